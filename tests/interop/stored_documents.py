"""A room's document as the server stored it, read through the rooms' selectors."""

from pycrdt import Doc, Text


def stored_document(room_id) -> Doc:
    from collaboration import selectors
    from collaboration.documents import TEXT_NAME

    doc = Doc()
    doc.get(TEXT_NAME, type=Text)
    for update in selectors.document_updates(room_id=room_id):
        doc.apply_update(update)
    return doc


def text_of(doc: Doc) -> str:
    from collaboration.documents import TEXT_NAME

    return str(doc.get(TEXT_NAME, type=Text))
