"""Text out of PDF (pdfminer.six, read as positioned lines), DOCX (its XML, read whole) and plain text.

The text every later step reads (`ExtractedText.text`, one line per visual line) follows these rules,
whatever the file type:

- A tab (`"\\t"`, exactly one) separates pieces that sit on the same line with a visible gap between
  them: a PDF line whose pieces are separate text runs far apart (company left, dates right-aligned),
  a DOCX tab stop, the cells of a one-line table row, a dotted leader ("Company ........ 2019").
  Tabs never start or end a line and never come in runs, so `line.split("\\t")` gives the pieces and
  no field a parser takes from one piece holds a tab.
- A bullet point starts with exactly `"• "`, however the file drew it: a glyph that extracts as a
  letter or a private-use character from an icon font, "▪", "◦", "–", "-", "*", ..., or DOCX list
  numbering (`w:numPr`) that puts no glyph in the text. A bullet glyph alone on its line is joined
  with the next line.
- Invisible characters are gone (zero-width spaces, BOMs), soft hyphens are "-" inside a line and
  join the word at the end of one, non-breaking and other wide spaces are a plain space, ligatures
  ("ﬁ") are letters, and runs of spaces are one space.
- `line_sizes[i]` is the font size in points of line i (its largest text, 0.0 where unknown), so
  that the name (the largest line at the top) and headings can be told by size.

PDF pages are read line by line with positions: pieces on the same baseline make one line (with a
tab across a wide gap), and a page with two independent columns (a gutter no line crosses) is read
left column first, then right, with the header across the page on top. Rows of a date column that
share a baseline with their entry (moderncv, tables) stay one line.
"""

import bisect
import io
import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median

from .formats import UnreadableDocument, detect_format

MAX_PAGES = 20
BULLET = "• "
# Glyphs that mark a bullet when they start a line. "-", "–", "—" and "*" count only before a space.
BULLET_GLYPHS = "•●○◦▪▫■□►▸▹▶‣⁃∙◆◇❖➢➣➤✓✔✗➔→⇒⦁·"
BULLET_DASHES = "-–—*"
# Fonts whose glyphs are icons (bullets, phone, mail and calendar symbols) whatever letter they extract as.
ICON_FONT = re.compile(r"awesome|marvosym|dingbat|wingding|webding|academicons|icomoon|symbolneu|fontello|"
                       r"material.?icons|ionicons|octicons|glyphicons|typicons|entypo|feather", re.I)
GLYPH = "\ue000"  # stands for an icon glyph until the line is finished
_CID = re.compile(r"\(cid:\d+\)")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_SPACE_CHARS = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LEADER = re.compile(r"\s*(?:[.…·_]\s?){4,}\s*")
_LIGATURES = re.compile("[\ufb00-\ufb06]")
_BULLET_MARK = re.compile(rf"([{re.escape(BULLET_GLYPHS)}{GLYPH}]|[{re.escape(BULLET_DASHES)}](?=\s))[\s{GLYPH}]*")
_LETTER_SPACED = re.compile(r"(?:[^\W\d_] ){3,}[^\W\d_](?: {2,}(?:[^\W\d_] )+[^\W\d_])*")


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
    # Font size (points) of each line of `text`, in order; empty when unknown (plain text).
    line_sizes: list[float] = field(default_factory=list)


def extract_text(data: bytes) -> ExtractedText:
    kind = detect_format(data).kind
    if kind == "pdf":
        return _pdf(data)
    if kind == "docx":
        return _docx(data)
    raw = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    lines = finish_lines([(line, 0.0) for line in raw.split("\n")])
    return ExtractedText("text", "\n".join(text for text, _ in lines).strip("\n"))


# --- normalising lines (every format) -------------------------------------------------------------

def clean_line(text: str) -> str:
    """One line in the module's rules: invisible characters out, spaces and tabs single, leaders as a
    tab, a leading bullet glyph as "• "."""
    if "\u00ad" in text:  # drawn inside a line it is a hyphen; at the end, finish_lines joins the word
        text = re.sub(r"(?<=\w)\u00ad(?=\w)", "-", text)
        text = re.sub(r"\u00ad(?!\s*$)", "", text)
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = text.translate(_ZERO_WIDTH)
    text = "".join(ch for ch in text if ch in "\t\u00ad" + GLYPH or unicodedata.category(ch)[0] != "C"
                   or unicodedata.category(ch) == "Co")
    text = re.sub("[\ue000-\uf8ff]", GLYPH, text)  # private-use characters are icon glyphs
    text = _LEADER.sub("\t", text)
    text = _SPACE_CHARS.sub(" ", text)
    if _LETTER_SPACED.fullmatch(text.strip()):  # "J A N E  D O E": letters one space apart, words two
        text = " ".join(word.replace(" ", "") for word in re.split(r" {2,}", text.strip()))
    text = _SPACES.sub(" ", text)
    text = re.sub(r" *\t[\t ]*", "\t", text).strip(" \t")
    text = _bullet(text)
    text = text.replace(GLYPH, " ")
    return re.sub(r" *\t[\t ]*", "\t", re.sub(" {2,}", " ", text)).strip(" \t")


def _bullet(text: str) -> str:
    """"• rest" when the line starts with a bullet glyph; an icon in front of a date, a place or a
    contact detail (a calendar, a pin, a phone) is dropped instead."""
    match = _BULLET_MARK.match(text)
    if not match:
        return text
    rest = text[match.end():]
    while again := _BULLET_MARK.match(rest):  # repeated marks ("• – text", as LaTeX nests lists) are one
        rest = rest[again.end():]
    if match.group(1) == GLYPH and _looks_like_a_detail(rest):
        return rest
    return BULLET + rest if rest else "•"


def _looks_like_a_detail(text: str) -> bool:
    """A short line of dates, a place or a contact detail: what icons, not bullets, stand before."""
    words = re.findall(r"[A-Za-z]{2,}", text)
    proper = all(w[0].isupper() or w in ("of", "and", "to", "for", "in", "the", "at", "de") for w in words)
    return ("@" in text or "://" in text or "www." in text or sum(ch.isdigit() for ch in text) >= 4 and len(words) <= 4
            or proper and len(words) <= 6)


MONTH_AT_END = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.I)
WRAPPED_YEAR = re.compile(r"(?:19|20)\d{2}")


def finish_lines(lines: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Clean every line, join a lone bullet glyph with the next line and a soft hyphen at the end of
    a line with the next line's word; a heading in a margin column ("EXPERIENCE<tab>Engineer, Acme")
    gets its own line."""
    from .sections import sections_of_heading

    cleaned = []
    for text, size in lines:
        text = clean_line(text)
        head, tab, rest = text.partition("\t")
        if tab and sections_of_heading(head):
            cleaned.extend([(head, size), (rest, size)])
        else:
            cleaned.append((text, size))
    result: list[tuple[str, float]] = []
    index = 0
    while index < len(cleaned):
        text, size = cleaned[index]
        if text == "•":
            following = index + 1
            while following < len(cleaned) and not cleaned[following][0]:
                following += 1
            if following < len(cleaned) and not cleaned[following][0].startswith(BULLET):
                text, size = BULLET + cleaned[following][0], cleaned[following][1]
                index = following
            else:
                index += 1
                continue
        if result and WRAPPED_YEAR.fullmatch(text) and MONTH_AT_END.search(result[-1][0]):
            result[-1] = (result[-1][0] + " " + text, result[-1][1])  # "June 2019 – July" / "2020"
        elif result and result[-1][0].endswith("\u00ad") and text[:1].islower():
            result[-1] = (result[-1][0][:-1] + text, result[-1][1])
        else:
            result.append((text, size))
        if text.endswith("\u00ad") and not (index + 1 < len(cleaned) and cleaned[index + 1][0][:1].islower()):
            result[-1] = (result[-1][0][:-1] + "-", result[-1][1])
        index += 1
    return result


# --- PDF ----------------------------------------------------------------------------------------

@dataclass
class _Piece:
    """One pdfminer text line: a run of text with its box."""
    text: str
    x0: float
    x1: float
    y0: float
    y1: float
    size: float
    glyph_only: bool


def _pdf(data: bytes) -> ExtractedText:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    result = ExtractedText("pdf", "", pages=0)
    page_lines: list[list[tuple[str, float]]] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=True), maxpages=MAX_PAGES + 1):
            result.pages += 1
            if result.pages > MAX_PAGES:
                raise UnreadableDocument(f"A resume has at most {MAX_PAGES} pages.", "too_many_pages")
            pieces = _page_pieces(page, result)
            lines, columns = _read_page(pieces, page.width)
            lines = _without_page_numbers(lines)
            result.columns = max(result.columns, columns)
            page_lines.append(lines)
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
    joined: list[tuple[str, float]] = []
    for lines in page_lines:
        if joined and lines:
            joined.append(("", 0.0))
        joined.extend(lines)
    _set_text(result, finish_lines(joined))
    if not result.text:
        result.warnings.append("No text found: the PDF may be a scanned image. Upload a text PDF or a DOCX.")
    return result


PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,2}\s*(?:/|of)\s*\d{1,2}|[-–]?\s*\d{1,2}\s*[-–]?|page\s*\d{1,2}", re.I)


def _without_page_numbers(lines: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """A page's lines without a page number ("1/3", "Page 2 of 3", "- 2 -") at its top or bottom."""
    if lines and PAGE_NUMBER.fullmatch(lines[-1][0].strip()):
        lines = lines[:-1]
    if lines and PAGE_NUMBER.fullmatch(lines[0][0].strip()):
        lines = lines[1:]
    return lines


def _set_text(result: ExtractedText, lines: list[tuple[str, float]]) -> None:
    while lines and not lines[0][0]:
        lines = lines[1:]
    while lines and not lines[-1][0]:
        lines = lines[:-1]
    # Runs of empty lines are one.
    kept = [line for i, line in enumerate(lines) if line[0] or (i and lines[i - 1][0])]
    result.text = "\n".join(text for text, _ in kept)
    result.line_sizes = [size for _, size in kept]


def _page_pieces(page, result: ExtractedText) -> list[_Piece]:
    from pdfminer.layout import LTAnno, LTChar, LTCurve, LTFigure, LTImage, LTTextBox, LTTextLine

    pieces = []
    dots = []  # small filled shapes: bullets drawn as vector graphics (browsers print them so)
    boxes = []

    def walk(container, depth: int = 0) -> None:
        for element in container:
            if isinstance(element, LTImage):
                result.images += 1
            elif isinstance(element, LTFigure):
                # Form XObjects: Word, Canva and others draw whole pages as figures holding text.
                if depth < 5:
                    walk(element, depth + 1)
            elif isinstance(element, LTCurve):  # LTRect and LTLine are curves too
                width, height = element.x1 - element.x0, element.y1 - element.y0
                if getattr(element, "fill", False) and 1 <= width <= 6 and 1 <= height <= 6 \
                        and max(width, height) <= 2 * min(width, height):
                    dots.append(element)
            elif isinstance(element, LTTextBox):
                boxes.append(element)

    walk(page)
    marks: dict[tuple[str, str], list[_Piece]] = {}
    for element in boxes:
        for line in element:
            if not isinstance(line, LTTextLine):
                continue
            chars: list[str] = []
            sizes: list[float] = []
            glyphs = 0
            lead = _leading_mark(line)
            for item in line:
                if isinstance(item, LTChar):
                    font = item.fontname.split("+")[-1]
                    result.fonts.add(font)
                    text = item.get_text()
                    if ICON_FONT.search(font) or _CID.fullmatch(text) or len(text) == 1 and "\ue000" <= text <= "\uf8ff":
                        chars.append(GLYPH)
                        glyphs += 1
                    elif text in BULLET_GLYPHS:
                        chars.append(text)
                        glyphs += 1
                    else:
                        chars.append(text)
                        if not text.isspace():
                            sizes.append(item.size)
                elif isinstance(item, LTAnno):
                    chars.append(item.get_text())
            text = "".join(chars).replace("\n", " ").strip()
            if not text:
                continue
            pieces.append(_Piece(text, line.x0, line.x1, line.y0, line.y1, max(sizes) if sizes else 0.0,
                                 glyph_only=not sizes and glyphs > 0))
            if lead:
                marks.setdefault(lead, []).append(pieces[-1])
    # A character in a font of its own, then a space, starting several lines: a bullet whatever it
    # extracts as ("f", "o", "§"), as icon fonts and Word's symbol bullets do.
    for (_, mark), marked in marks.items():
        if len(marked) >= (2 if not mark.isalnum() else 3):
            for piece in marked:
                if piece.text.startswith(mark):
                    piece.text = GLYPH + piece.text[len(mark):]
    for dot in dots:
        middle = (dot.y0 + dot.y1) / 2
        for piece in pieces:
            if piece.y0 <= middle <= piece.y1 and dot.x1 <= piece.x0 <= dot.x1 + 2 * (piece.size or 10):
                if not piece.text.startswith(GLYPH):
                    piece.text = GLYPH + " " + piece.text
                    piece.x0 = dot.x0
                break
    return pieces


def _leading_mark(line) -> tuple[str, str] | None:
    """(font, character) when a line starts with one character in another font than the text after
    the space that follows it."""
    from pdfminer.layout import LTChar

    items = [item for item in line if isinstance(item, LTChar) or item.get_text().isspace()]
    chars = [item for item in items if isinstance(item, LTChar) and not item.get_text().isspace()]
    if len(chars) < 3:
        return None
    first = chars[0]
    position = items.index(first)
    if position + 1 >= len(items) or not items[position + 1].get_text().isspace() and \
            chars[1].x0 - first.x1 < 0.25 * (first.size or 10):
        return None  # no space after it: the first letter of a word
    if first.fontname == chars[1].fontname or first.get_text() in BULLET_GLYPHS:
        return None
    return first.fontname, first.get_text()


def _read_page(pieces: list[_Piece], page_width: float) -> tuple[list[tuple[str, float]], int]:
    if not pieces:
        return [], 1
    split = _two_columns(pieces, page_width)
    if split is None:
        return _rows(pieces), 1
    header, left, right, rest = split
    return _rows(header) + _rows(left) + _rows(right) + _rows(rest), 2


def _two_columns(pieces: list[_Piece], page_width: float):
    """(header, left, right, rest) when the page has two independent columns: a vertical gutter with
    lines on both sides, almost nothing across it below the header, and rows that do not line up
    across it (rows that do are one table-like layout: dates in a margin column, tab stops)."""
    best = None
    for x in sorted({round(p.x0) for p in pieces}):
        if not (0.2 * page_width <= x <= 0.8 * page_width):
            continue
        left = [p for p in pieces if p.x1 <= x + 2]
        right = [p for p in pieces if p.x0 >= x - 2]
        if min(len(left), len(right)) < 4:
            continue
        # The header (name, contact) sits above where the lower-starting column starts.
        columns_top = min(max(p.y1 for p in left), max(p.y1 for p in right))
        header = [p for p in pieces if p.y0 >= columns_top - 5]
        left = [p for p in left if p.y0 < columns_top - 5]
        right = [p for p in right if p.y0 < columns_top - 5]
        across = [p for p in pieces if p.x1 > x + 2 and p.x0 < x - 2 and p.y0 < columns_top - 5]
        if min(len(left), len(right)) < 4 or len(across) > max(1, len(pieces) // 20):
            continue
        if _a_margin_column(left, right, page_width):
            continue
        score = min(len(left), len(right))
        if best is None or score > best[0]:
            best = (score, header, left, right, across)
    return None if best is None else best[1:]


def _a_margin_column(left: list[_Piece], right: list[_Piece], page_width: float) -> bool:
    """True when one side is a margin column of one layout, not a column of its own: most of its
    lines share a baseline with a line across the gutter, and they are sparse (dates beside
    entries, labels beside paragraphs) or a narrow column of dates. The lines of two real columns
    line up by chance only (10-20% in real two-column resumes)."""

    def spacing(side):
        ys = sorted({round(p.y0) for p in side}, reverse=True)
        gaps = [a - b for a, b in zip(ys, ys[1:], strict=False)]
        return median(gaps) if gaps else 0.0

    for side, other in ((left, right), (right, left)):
        baselines = sorted(p.y0 for p in other)
        aligned = 0
        for piece in side:
            i = bisect.bisect_left(baselines, piece.y0 - 1.0)
            if i < len(baselines) and abs(baselines[i] - piece.y0) <= 1.0:
                aligned += 1
        if aligned < 0.6 * len(side):
            continue
        dates = sum(any(ch.isdigit() for ch in p.text) for p in side) >= 0.6 * len(side)
        narrow = median(p.x1 - p.x0 for p in side) < 0.2 * page_width
        if narrow and dates or spacing(side) > 2.5 * spacing(other):
            return True
    return False


def _rows(pieces: list[_Piece]) -> list[tuple[str, float]]:
    """Pieces top to bottom, those on one visual line joined left to right (a tab across a wide gap);
    a bullet glyph standing between two lines (LaTeX centres one on a two-line entry) is dropped."""
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: (-(p.y0 + p.y1) / 2, p.x0)):
        placed = False
        for row in rows[-3:]:
            top, bottom = max(p.y1 for p in row), min(p.y0 for p in row)
            overlap = min(top, piece.y1) - max(bottom, piece.y0)
            height = min(piece.y1 - piece.y0, top - bottom)
            sizes = [p.size for p in row if p.size] + ([piece.size] if piece.size else [])
            comparable = not sizes or max(sizes) <= 1.6 * min(sizes)  # a large name is not one line with the contact
            if height > 0 and overlap >= 0.6 * height and comparable and not any(_overlaps_x(piece, p) for p in row):
                row.append(piece)
                placed = True
                break
        if not placed:
            rows.append([piece])
    lines = []
    for row in rows:
        row.sort(key=lambda p: p.x0)
        if all(p.glyph_only for p in row):
            continue  # a glyph with no text beside it: decoration between lines
        parts = [row[0].text]
        for before, piece in zip(row, row[1:], strict=False):
            size = max(before.size, piece.size) or 10.0
            gap = piece.x0 - before.x1
            parts.append("\t" if gap > 1.5 * size and not before.glyph_only else " ")
            parts.append(piece.text)
        sizes = [p.size for p in row if p.size]
        lines.append(("".join(parts), max(sizes) if sizes else 0.0))
    return lines


def _overlaps_x(a: _Piece, b: _Piece) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1.0


# --- DOCX ---------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Elements whose text a reader does not see: deleted revisions, field instructions, properties.
_SKIPPED = {W + "pPr", W + "rPr", W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "sdtPr",
            W + "sdtEndPr", W + "tblPr", W + "trPr", W + "tcPr", W + "tblGrid", W + "sectPr", MC_FALLBACK,
            W + "footnoteReference", W + "commentReference"}
DEFAULT_DOCX_SIZE = 11.0


class _DocxReader:
    """Walks WordprocessingML in document order: paragraphs, tables, content controls (`w:sdt`),
    hyperlinks, smart tags, fields and text boxes alike, so that no text a reader sees is missed."""

    def __init__(self, styles_element) -> None:
        self.tables = 0
        self.images = 0
        self.styles: dict[str, tuple[str | None, float | None, bool]] = {}
        self.default_size = DEFAULT_DOCX_SIZE
        if styles_element is not None:
            self._read_styles(styles_element)

    def _read_styles(self, root) -> None:
        size = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
        if size is not None and _half_points(size) is not None:
            self.default_size = _half_points(size) or DEFAULT_DOCX_SIZE
        for style in root.findall(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            if not style_id:
                continue
            based = style.find(f"{W}basedOn")
            sz = style.find(f"{W}rPr/{W}sz")
            numbered = style.find(f"{W}pPr/{W}numPr") is not None
            self.styles[style_id] = (based.get(f"{W}val") if based is not None else None,
                                     _half_points(sz) if sz is not None else None, numbered)

    def _style(self, style_id: str | None) -> tuple[float, bool]:
        size, numbered, seen = None, False, set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            based, style_size, style_numbered = self.styles[style_id]
            size = size if size is not None else style_size
            numbered = numbered or style_numbered
            style_id = based
        return (size if size is not None else self.default_size), numbered

    def blocks(self, container) -> list[tuple[str, float]]:
        lines: list[tuple[str, float]] = []
        for child in container:
            tag = child.tag
            if tag == W + "p":
                lines.extend(self.paragraph(child))
            elif tag == W + "tbl":
                lines.extend(self.table(child))
            elif tag in _SKIPPED or _placeholder(child):
                continue
            elif isinstance(tag, str):  # w:sdt, w:sdtContent, w:customXml, w:ins...: read what they hold
                lines.extend(self.blocks(child))
        return lines

    def table(self, table) -> list[tuple[str, float]]:
        self.tables += 1
        lines: list[tuple[str, float]] = []
        for row in _children(table, W + "tr"):
            cells = [self.blocks(cell) for cell in _children(row, W + "tc")]
            cells = [[line for line in cell if line[0].strip()] for cell in cells]
            cells = [cell for cell in cells if cell]
            if not cells:
                continue
            if all(len(cell) == 1 for cell in cells) and len(cells) > 1 and not _heading_cell(cells[0][0][0]):
                lines.append(("\t".join(cell[0][0].strip() for cell in cells), max(cell[0][1] for cell in cells)))
            else:
                for cell in cells:  # a cell of several paragraphs (or a heading cell) reads top to bottom
                    lines.extend(cell)
        return lines

    def paragraph(self, paragraph) -> list[tuple[str, float]]:
        properties = paragraph.find(W + "pPr")
        style_id = None
        numbered = False
        if properties is not None:
            style = properties.find(W + "pStyle")
            style_id = style.get(W + "val") if style is not None else None
            num = properties.find(W + "numPr")
            if num is not None:
                num_id = num.find(W + "numId")
                numbered = num_id is None or num_id.get(W + "val") != "0"
        style_size, style_numbered = self._style(style_id)
        numbered = numbered or style_numbered
        parts: list[str] = []
        sizes: list[float] = []
        boxes: list[tuple[str, float]] = []
        self._runs(paragraph, parts, sizes, boxes)
        size = max(sizes) if sizes else style_size
        text = "".join(parts)
        lines = [(piece, size) for piece in text.split("\n")]
        if numbered and lines and lines[0][0].strip() and not lines[0][0].lstrip().startswith(tuple(BULLET_GLYPHS)):
            lines[0] = (BULLET + lines[0][0].lstrip(), lines[0][1])
        if not text.strip():
            lines = []
        return lines + boxes

    def _runs(self, element, parts: list[str], sizes: list[float], boxes: list[tuple[str, float]]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED or _placeholder(child):
                continue
            if tag == W + "r":
                run_size = child.find(f"{W}rPr/{W}sz")
                before = len(parts)
                self._runs(child, parts, sizes, boxes)
                if run_size is not None and "".join(parts[before:]).strip():
                    points = _half_points(run_size)
                    if points:
                        sizes.append(points)
            elif tag == W + "t":
                parts.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "sym":
                parts.append(GLYPH)
            elif tag == W + "txbxContent":
                boxes.extend(self.blocks(child))
            elif tag.endswith("}blip") or tag.endswith("}imagedata"):
                self.images += 1
            else:  # w:hyperlink, w:smartTag, w:sdt, w:fldSimple, w:ins, drawings, mc:Choice...
                self._runs(child, parts, sizes, boxes)


def _placeholder(element) -> bool:
    """A content control showing its placeholder ("Click here to enter text."): nothing was typed."""
    return element.tag == W + "sdt" and element.find(f"{W}sdtPr/{W}showingPlcHdr") is not None


def _children(element, tag: str):
    """`tag` children of element, also those wrapped in content controls or custom XML."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _children(child, tag)


def _half_points(element) -> float | None:
    try:
        return int(float(element.get(W + "val") or "")) / 2
    except (ValueError, OverflowError):
        return None


def _heading_cell(text: str) -> bool:
    from .sections import section_of_heading

    return section_of_heading(text) is not None


def _docx(data: bytes) -> ExtractedText:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # a zip with a broken document.xml, XML errors...
        raise UnreadableDocument("The DOCX file is damaged and cannot be read.", "corrupt_file") from None
    result = ExtractedText("docx", "")
    try:
        styles = document.styles.element
    except Exception:  # no styles part
        styles = None
    reader = _DocxReader(styles)
    header_lines: list[tuple[str, float]] = []
    headers = []
    seen_parts: set[int] = set()
    for section in document.sections:
        for part_of in (section.first_page_header, section.header):
            try:
                if part_of.is_linked_to_previous:
                    continue
                part = part_of.part
            except Exception:
                continue
            if id(part) in seen_parts:
                continue
            seen_parts.add(id(part))
            headers.append(part.element)
    try:
        for header in headers:
            header_lines.extend(reader.blocks(header))
        body = reader.blocks(document.element.body)
    except RecursionError:  # absurdly nested tables or content controls
        raise UnreadableDocument("The DOCX file is damaged and cannot be read.", "corrupt_file") from None
    result.tables = reader.tables
    result.images = reader.images
    _set_text(result, finish_lines(header_lines + body))
    result.pages = max(1, len(result.text) // 3000 + 1)
    if not result.text:
        result.warnings.append("The document has no text.")
    return result

