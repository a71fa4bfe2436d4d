"""Regenerates the DOCX fixtures of corpus/docx/ from their text twins.

    python3 -m pip install python-docx==1.2.0
    python3 corpus/docx/make_fixtures.py

seed.docx is written by python-docx from the seed's plain-text export
(corpus/seed/000_154ac4639b0e3315.txt): real Word tables with vertical merges (vMerge)
and horizontal spans (gridSpan), multi-paragraph cells, TC fields as complex fields whose
instruction is split over runs, and the table of contents as a TOC field whose entries
carry PAGEREF fields inside hyperlinks. Its text export is the seed, so jixiao must
extract the same records from both.
"""

import copy
import os
import re

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = os.path.join(ROOT, "corpus", "seed", "000_154ac4639b0e3315.txt")


def parse_export(text):
    """The text export as blocks: ('p', text, tc_instruction) and ('table', rows)."""
    blocks, table, row_open = [], None, False
    for line in text.split("\n"):
        if line.startswith("\t"):
            if table is None:
                table = []
            if not row_open:
                table.append([])
                row_open = True
            table[-1].append(line[1:].strip())
        elif not line.strip():
            row_open = False
        elif row_open:
            table[-1][-1] += "\n" + line.strip()
        else:
            if table is not None:
                blocks.append(("table", table))
                table = None
            visible, _, instruction = line.partition(" TC ")
            if instruction and "\\" not in instruction:
                visible, instruction = line, ""
            blocks.append(("p", visible.strip(), instruction.strip()))
    if table is not None:
        blocks.append(("table", table))
    return blocks


def run(paragraph, text):
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    paragraph._p.append(r)
    return r


def fld_char(paragraph, kind):
    r = OxmlElement("w:r")
    c = OxmlElement("w:fldChar")
    c.set(qn("w:fldCharType"), kind)
    r.append(c)
    paragraph._p.append(r)


def instr(paragraph, text):
    r = OxmlElement("w:r")
    t = OxmlElement("w:instrText")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    r.append(t)
    paragraph._p.append(r)


def tc_field(paragraph, instruction):
    """A TC field with its instruction split over two runs, as Word often saves it."""
    code = f' TC "{instruction.split(chr(92))[0].strip()}" \\{chr(92).join(instruction.split(chr(92))[1:])} '
    middle = len(code) // 2
    fld_char(paragraph, "begin")
    instr(paragraph, code[:middle])
    instr(paragraph, code[middle:])
    fld_char(paragraph, "end")


def toc_entry(document, raw, page, bookmark, first, last):
    """A rendered TOC entry: [PAGEREF result] + entry text, inside a hyperlink, with the
    TOC field opening before the first entry and closing after the last."""
    p = document.add_paragraph()
    if first:
        fld_char(p, "begin")
        instr(p, ' TOC \\o "1-3" \\h \\z \\f ')
        fld_char(p, "separate")
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), bookmark)
    p._p.append(link)
    holder = copy.copy(p)
    if page:
        fld_char(p, "begin")
        instr(p, f" PAGEREF {bookmark} \\h ")
        fld_char(p, "separate")
        run(p, page)
        fld_char(p, "end")
    run(p, raw[len(page):])
    # Move the runs written after the hyperlink into it.
    for r in list(p._p)[list(p._p).index(link) + 1:]:
        link.append(r)
    if last:
        fld_char(p, "end")
    del holder


def toc_page(raw, expected_number):
    """Page digits glued in front of the entry number (`61.…` = page 6, entry 1)."""
    digits = re.match(r"\d*", raw).group(0)
    rest = raw[len(digits):]
    if rest[:1] in ".．、" and digits.endswith(str(expected_number)) and len(digits) > len(str(expected_number)):
        return digits[: -len(str(expected_number))]
    return digits


def add_table(document, rows, truncated_last_row):
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        row = table.rows[r]
        short = len(cells) < width
        if short and not (truncated_last_row and r == len(rows) - 1):
            row.cells[len(cells) - 1].merge(row.cells[width - 1])
        for c, text in enumerate(cells):
            cell = row.cells[c]
            lines = text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
        if truncated_last_row and r == len(rows) - 1 and short:
            # The export stops mid-row: drop the cells it never reached.
            for tc in row._tr.tc_lst[len(cells):]:
                row._tr.remove(tc)
    # Vertical merges: an empty first cell continues the cell above.
    origin = None
    for r, cells in enumerate(rows):
        if cells and cells[0] == "" and origin is not None:
            table.cell(origin, 0).merge(table.cell(r, 0))
        else:
            origin = r
    return table


def build_seed():
    with open(SEED, encoding="utf-8") as f:
        blocks = parse_export(f.read())
    document = Document()
    in_toc, toc_done, entries, arabic = False, False, [], 0
    for i, block in enumerate(blocks):
        if block[0] == "table":
            add_table(document, block[1], truncated_last_row=(i == len(blocks) - 1))
            continue
        _, text, instruction = block
        if re.fullmatch(r"目\s*录", text):
            in_toc = True
            document.add_paragraph(text)
            continue
        if in_toc and not toc_done:
            if text.startswith("第") and "部分" in text:
                if entries and text == "第一部分":
                    toc_done = True
                else:
                    entries.append(("part", text))
                    continue
            else:
                entries.append(("entry", text))
                continue
        if toc_done and entries:
            write_toc(document, entries)
            entries = []
        p = document.add_paragraph()
        run(p, text)
        if instruction:
            tc_field(p, instruction)
    document.save(os.path.join(HERE, "seed.docx"))


def write_toc(document, entries):
    real = [e for e in entries if e[0] == "entry"]
    arabic = 0
    for kind, text in entries:
        if kind == "part":
            document.add_paragraph(text)
            continue
        rest = text.lstrip("0123456789")
        if rest[:1] in ".．、":
            arabic += 1
        page = toc_page(text, arabic)
        n = real.index((kind, text))
        toc_entry(document, text, page, f"_Toc{1000 + n}", n == 0, n == len(real) - 1)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>
</Relationships>"""

NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"""

PART = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:{tag} xmlns:w="{w}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{tag}>"""


def r(text):
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*content, num=None):
    ppr = ""
    if num:
        ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>'
    return f"<w:p>{ppr}{''.join(content)}</w:p>"


def tc(*paragraphs, span=1, vmerge=None):
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    body = "".join(paragraphs) or "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def tr(*cells):
    return f"<w:tr>{''.join(cells)}</w:tr>"


def cell(text, **kw):
    return tc(p(r(text)), **kw)


def constructs_body():
    """Every construct of issue 'Read DOCX documents', in a small budget document whose
    text export is constructs.txt."""
    fld_simple_tc = '<w:fldSimple w:instr=\' TC "总体绩效目标" \\f A \\l 1 \'/>'
    nested_tc = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TC "</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> QUOTE "工作保障措施" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>工作保障措施</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:instrText xml:space="preserve">" \\f A \\l 1 </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    text_box = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        "<wps:wsp><wps:txbx><w:txbxContent>" + p(r("文本框内容")) + "</w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>' + p(r("文本框内容"))
        + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    symbol_ge = '<w:r><w:sym w:font="Symbol" w:char="F0B3"/></w:r>'
    paragraphs = [
        p(r("测"), '<w:proofErr w:type="spellStart"/>', r("试"), '<w:bookmarkStart w:id="0" w:name="cover"/>',
          r("部门"), '<w:proofErr w:type="spellEnd"/><w:bookmarkEnd w:id="0"/>'),
        p('<w:smartTag w:uri="urn:x" w:element="date"><w:customXml w:element="year">', r("2022年"),
          "</w:customXml></w:smartTag>", r("部门预算绩效文本")),
        p('<w:commentRangeStart w:id="1"/>', r("测试部门编制"), '<w:commentRangeEnd w:id="1"/>',
          '<w:r><w:commentReference w:id="1"/></w:r>'),
        p('<w:sdt><w:sdtPr><w:alias w:val="审核"/></w:sdtPr><w:sdtContent>', r("北戴河区财政局审核"),
          "</w:sdtContent></w:sdt>"),
        p(r("第一部分 部门整体绩效目标")),
        p(r("总体绩效目标"), fld_simple_tc, num=(1, 0)),
        p(r("总体目标是"), "<w:ins>", r("提高"), "</w:ins><w:del>", '<w:r><w:delText>降低</w:delText></w:r>',
          "</w:del>", r("效率，"), "<w:moveFrom>", r("旧位置"), "</w:moveFrom><w:moveTo>", r("保障到位"),
          "</w:moveTo>", r("。")),
        p(r("见右侧说明"), text_box),
        p(r("说明"), "<w:r><w:tab/></w:r>", r("2022"), "<w:r><w:noBreakHyphen/></w:r>", r("2023年度")),
        p(r("工作保障措施"), nested_tc, num=(1, 0)),
        p(r("加强领导。成立领导小组&amp;工作专班。"), num=(1, 1)),
        p(r("强化监督。"), num=(1, 1)),
        p(r("第二部分 预算项目绩效目标")),
        p(r("测试项目绩效目标表"), '<w:fldSimple w:instr=\' TC "1、测试项目绩效目标表" \\f C \\l 1 \'/>', num=(2, 0)),
    ]
    rows = [
        tr(cell("131001测试单位", span=4), cell("单位：万元", span=3)),
        tr(cell("项目编码"), cell("130304220000000000009"),
           tc(p('<w:hyperlink w:anchor="name">', r("项目名称"), "</w:hyperlink>")), cell("测试项目", span=4)),
        tr(cell("预算规模及资金用途", vmerge="restart"), cell("预算数"), cell("1.5"), cell("其中：财政资金"),
           cell("1.2"), cell("其他资金"), cell("0.3")),
        tr(tc(vmerge="continue"), cell("测试用途", span=6)),
        tr(cell("资金支出计划（%）", vmerge="restart"), cell("6月底"), cell("12月底", span=5)),
        tr(tc(vmerge="continue"), cell("50.00%"), cell("100.00%", span=5)),
        tr(cell("绩效目标"), tc(p(r("1.目标一"), "<w:r><w:br/></w:r>", r("2.目标二")), "<w:p/>", span=6)),
        tr(cell("一级指标"), cell("二级指标"), cell("三级指标"), cell("绩效指标描述"), cell("指标值"),
           cell("指标值确定依据", span=2)),
        tr(cell("产出指标", vmerge="restart"), cell("数量指标"), cell("测试数量"), cell("描述一"),
           tc(p(symbol_ge, r("10次"))), cell("计划", span=2)),
        tr(tc(vmerge="continue"), cell("质量指标"), tc(p(r("合格"), r("率"))),
           tc(p('<w:smartTag w:element="x">', r("描述二"), "</w:smartTag>")), cell("100%"), cell("标准", span=2)),
        tr(cell("效益指标"), cell("社会效益指标"), cell("影响"), cell("描述三"),
           tc(p("<w:ins>", r("是/否"), "</w:ins>")), cell("依据", span=2)),
    ]
    grid = "<w:tblGrid>" + '<w:gridCol w:w="1200"/>' * 7 + "</w:tblGrid>"
    table = f"<w:tbl><w:tblPr/>{grid}{''.join(rows)}</w:tbl>"
    sect = '<w:sectPr><w:headerReference w:type="default" r:id="rId2"/><w:footerReference w:type="default" r:id="rId3"/></w:sectPr>'
    return "".join(paragraphs) + table + sect


def build_constructs():
    import zipfile

    namespaces = (
        f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" '
        'mc:Ignorable="wps"'
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:document {namespaces}><w:body>{constructs_body()}</w:body></w:document>"
    )
    path = os.path.join(HERE, "constructs.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/numbering.xml", NUMBERING)
        z.writestr("word/header1.xml", PART.format(tag="hdr", w=W, text="页眉不应出现在正文"))
        z.writestr("word/footer1.xml", PART.format(tag="ftr", w=W, text="页脚不应出现在正文"))
        z.writestr("word/comments.xml", PART.format(tag="comments", w=W, text="批注不应出现在正文"))
    print("wrote", path)


if __name__ == "__main__":
    build_seed()
    print("wrote", os.path.join(HERE, "seed.docx"))
    build_constructs()
