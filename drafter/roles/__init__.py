"""drafter.roles.classify."""

from drafter.roles.classify import (
    DATA_DIR,
    CueModel,
    LabelledDoc,
    default_model,
    get_jieba,
    is_content_token,
    label_speech,
    load_labelled_corpus,
    log_odds,
    tokenize,
)

__all__ = [
    "DATA_DIR",
    "CueModel",
    "LabelledDoc",
    "default_model",
    "get_jieba",
    "is_content_token",
    "label_speech",
    "load_labelled_corpus",
    "log_odds",
    "tokenize",
]
