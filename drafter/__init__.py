"""讲稿助手 drafter: draft Chinese government meeting speeches in 公文 format."""

__version__ = "0.1.0"
