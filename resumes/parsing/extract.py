"""Text out of PDF (pdfminer.six, layout-aware), DOCX (python-docx) and plain text."""

import io
from dataclasses import dataclass, field

from .formats import UnreadableDocument, detect_format

MAX_PAGES = 20


@dataclass
class ExtractedText:
    kind: str
    text: str
    pages: int = 1
    columns: int = 1
    fonts: set[str] = field(default_factory=set)
    images: int = 0
    tables: int = 0
    warnings: list[str] = field(default_factory=list)


def extract_text(data: bytes) -> ExtractedText:
    kind = detect_format(data).kind
    if kind == "pdf":
        return _pdf(data)
    if kind == "docx":
        return _docx(data)
    return ExtractedText("text", data.decode("utf-8").replace("\r\n", "\n"))


def _pdf(data: bytes) -> ExtractedText:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTFigure, LTImage, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    result = ExtractedText("pdf", "", pages=0)
    page_texts = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams(), maxpages=MAX_PAGES + 1):
            result.pages += 1
            if result.pages > MAX_PAGES:
                raise UnreadableDocument(f"A resume has at most {MAX_PAGES} pages.", "too_many_pages")
            boxes = []
            for element in page:
                if isinstance(element, LTTextBox):
                    boxes.append(element)
                    for line in element:
                        if isinstance(line, LTTextLine):
                            for char in line:
                                if isinstance(char, LTChar):
                                    result.fonts.add(char.fontname.split("+")[-1])
                elif isinstance(element, (LTFigure, LTImage)):
                    result.images += 1
            text, columns = _read_columns(boxes, page.width)
            result.columns = max(result.columns, columns)
            page_texts.append(text)
    except UnreadableDocument:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise UnreadableDocument("The PDF is password-protected. Upload an unprotected copy.", "encrypted_pdf") from None
    except (PDFSyntaxError, PSException, ValueError, TypeError, KeyError, AssertionError, IndexError):
        raise UnreadableDocument("The PDF is damaged and cannot be read.", "corrupt_file") from None
    except Exception as error:  # pdfminer raises its own zoo; none may crash the worker
        if "encrypt" in type(error).__name__.lower() or "password" in str(error).lower():
            raise UnreadableDocument("The PDF is password-protected. Upload an unprotected copy.",
                                     "encrypted_pdf") from None
        raise UnreadableDocument("The PDF cannot be read.", "corrupt_file") from None
    if result.pages == 0:
        raise UnreadableDocument("The PDF has no pages.", "empty_pdf")
    result.text = "\n\n".join(page_texts).strip()
    if not result.text:
        result.warnings.append("No text found: the PDF may be a scanned image. Upload a text PDF or a DOCX.")
    return result


def _read_columns(boxes, page_width: float) -> tuple[str, int]:
    """Text boxes in reading order. When the page has two columns (a vertical gap with boxes on
    both sides and almost nothing across it), read the left column top to bottom, then the right;
    a header across the page (the name) stays on top."""

    def top_down(group):
        return sorted(group, key=lambda b: (-b.y1, b.x0))

    if not boxes:
        return "", 1
    best = None
    for x in sorted({round(b.x0) for b in boxes}):
        if not (0.2 * page_width <= x <= 0.8 * page_width):
            continue
        left = [b for b in boxes if b.x1 <= x + 2]
        right = [b for b in boxes if b.x0 >= x - 2]
        spanning = [b for b in boxes if b not in left and b not in right]
        lines_left = sum(len(b.get_text().splitlines()) for b in left)
        lines_right = sum(len(b.get_text().splitlines()) for b in right)
        if min(lines_left, lines_right) >= 4:
            lowest_column_top = max(b.y1 for b in left + right)
            header = [b for b in spanning if b.y0 >= lowest_column_top - 5]
            if len(spanning) - len(header) <= max(1, len(boxes) // 10):
                score = min(lines_left, lines_right)
                if best is None or score > best[0]:
                    best = (score, left, right, spanning, header)
    if best is None:
        return "\n".join(b.get_text().strip() for b in top_down(boxes)), 1
    _, left, right, spanning, header = best
    ordered = top_down(header) + top_down(left) + top_down(right) + top_down([b for b in spanning if b not in header])
    return "\n".join(b.get_text().strip() for b in ordered), 2


def _docx(data: bytes) -> ExtractedText:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # a zip with a broken document.xml, XML errors...
        raise UnreadableDocument("The DOCX file is damaged and cannot be read.", "corrupt_file") from None
    result = ExtractedText("docx", "")
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            result.tables += 1
            table = Table(block, document)
            for row in table.rows:
                seen = set()
                cells = []
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
                lines.append(" | ".join(c for c in cells if c))
    result.images = len(document.inline_shapes)
    for section in document.sections:
        for paragraph in section.header.paragraphs:
            if paragraph.text.strip():
                lines.insert(0, paragraph.text)
    result.text = "\n".join(lines).strip()
    result.pages = max(1, len(result.text) // 3000 + 1)
    if not result.text:
        result.warnings.append("The document has no text.")
    return result
