"""Patient-question answer engine (issue 3).

Usage from the web app::

    >>> from thyref.answers import AnswerEngine
    >>> engine = AnswerEngine.default()  # cached: the index is built once
    >>> answer = engine.ask("combien de cures d'iode max ?")
    >>> answer.topic
    'rai-how-many'
"""

from thyref.answers.engine import AnswerEngine
from thyref.answers.models import Answer, GlossaryEntry, TopicSummary

__all__ = ["Answer", "AnswerEngine", "GlossaryEntry", "TopicSummary"]
