def chat_home(r): pass
def chat_search(r): pass
def chat_detail(r, chat_id): pass
