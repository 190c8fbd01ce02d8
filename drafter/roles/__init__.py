"""drafter.roles.classify."""

from drafter.roles.classify import CueModel, DATA_DIR, LabelledDoc, default_model, get_jieba, is_content_token, label_speech, load_labelled_corpus, log_odds, tokenize

__all__ = ['CueModel', 'DATA_DIR', 'LabelledDoc', 'default_model', 'get_jieba', 'is_content_token', 'label_speech', 'load_labelled_corpus', 'log_odds', 'tokenize']
