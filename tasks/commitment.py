"""Whether a response commits to an answer, or only mentions one on its way.

A scorer credits only a final answer the response commits to.  These checks keep the
last-line fallback (``Scorer.fallback_text``) from crediting text that merely passes by
an answer:

- a response cut off by ``max_tokens`` keeps only what it finished saying
  (``finished_text``), and gets no last-line fallback at all;
- a last line that stops mid-sentence ("... so it", "Z = not ( True and") states nothing
  (``is_unfinished``);
- a letter mentioned in passing ("If we look at (B), it says ...", "the juxtaposition in
  (A) suggests ...") is not a choice (``commits_to_letter``);
- a step of a trace ("36: ] ; stack: { <", "Let's evaluate B: B = ...", '"caruso" < (18)')
  is not a result (``is_trace_step``, ``states_boolean_result``, ``ranks_letters``).
"""

from __future__ import annotations

import re

# The end of a finished line or sentence: a line break, or . ! ? before white space.
_FINISHED_BOUNDARY = re.compile(r"\n|[.!?](?=\s)")
_ENDS_FINISHED = re.compile(r"(?<!\d)[.!?][\s*_`\"'”)\]]*$")

# Option texts and titles may end on a preposition ("(B) Hold On"), so only words that
# cannot end a statement count.
_DANGLING_END = re.compile(
    r"(?:[,:;=+*/×÷]|\s-|\b(?:and|or|not|nor|but|so|the|a|an|than|then|if|is|are|was|were|be"
    r"|been|that|which|because|since|its|we|their))\s*$",
    re.IGNORECASE,
)

# Words that show a letter is only being looked at, not chosen.
_EXPLORING = re.compile(
    r"\b(?:if|whether|suppose|assuming|look(?:ing)?\s+at|consider(?:ing)?|check(?:ing)?|compare|comparing"
    r"|let's|let\s+us|let\s+me)\b",
    re.IGNORECASE,
)
# Words right before a letter that choose it: "is (C)", "would be **(C)", "then (D)".
_CHOOSING_CUE = re.compile(
    r"(?:\b(?:is|be|was|it's|only|choose|chose|pick|select|go\s+with|then|so|thus|hence|therefore|answer)"
    r"|[:=→])[\s*_\"'`]*(?:(?:option|choice)\s*)?[(\[]?$",
    re.IGNORECASE,
)
# A predicate after a letter describes the option instead of choosing it: "(A) is a neutral
# statement", "(B) says ...", unless it is a verdict: "(B) is correct".
_DESCRIBED = re.compile(
    r"^[)\]]?[\s*_]*(?:\"[^\"]*\"\s*)?[:,]?\s*(?:it\s+)?(?:is|was|are|has|have|does|do|seems|appears|says"
    r"|suggests|means|implies|likens|states|describes|contains|would|could|might|may|falls)\b"
    r"(?!\s+(?:indeed\s+)?(?:the\s+)?(?:correct|right|best|answer)\b)",
    re.IGNORECASE,
)
_VERDICT_WORD = re.compile(r"\b(?:correct|right|best|answer)\b", re.IGNORECASE)
_LINE_LABEL = re.compile(r"^[\s*_#>\-•]*(?:(?:correct|final|best)\s+)?(?:option|choice|answer)?\s*[:：]?\s*",
                         re.IGNORECASE)
_SHORT_OPTION_LINE_WORDS = 10

_TRACE_STEP = re.compile(r"^\s*\d+\s*[:.)]|\bstack\b", re.IGNORECASE)
_RANK = re.compile(r"\(\d+\)")  # a word sorting step ranks letters: '"caruso" < (18)'

_BOOLEAN_RESULT_CUE = re.compile(
    r"(?:^|[=→:]|->|\b(?:is|to|be|was|gives?|yields?|equals?|get|results?\s+in))[\s`'\"]*$", re.IGNORECASE
)
_CLOSING_MARKS = re.compile(r"^[\s.!`'\"”)\]]*$")
_SUB_EXPRESSION = re.compile(r"\b(?:let's|let\s+us)\s+evaluate\b|\bwhere\s+\"", re.IGNORECASE)


def finished_text(text: str) -> str:
    """``text`` up to the end of its last finished line or sentence.

    For a response cut off by ``max_tokens``: its unfinished tail is not a statement.
    """
    if _ENDS_FINISHED.search(text):
        return text
    boundaries = list(_FINISHED_BOUNDARY.finditer(text))
    return text[: boundaries[-1].end()] if boundaries else ""


def is_unfinished(line: str, *, brackets: bool = True) -> bool:
    """Whether ``line`` stops mid-sentence: on a connective, an operator, an open quotation
    or (with ``brackets``, where brackets are syntax rather than the answer) an open bracket."""
    plain = line.replace("**", "").rstrip(" \t*_`")
    if _DANGLING_END.search(plain):
        return True
    if brackets and (plain.count("(") > plain.count(")") or plain.count("[") > plain.count("]")):
        return True
    return plain.count('"') % 2 == 1 or plain.count("“") > plain.count("”")


def commits_to_letter(line: str, start: int, end: int) -> bool:
    """Whether the option letter at ``line[start:end]`` is chosen, not mentioned in passing.

    Chosen: a line that opens with the option and only names it ("(D) 70") or gives a
    verdict on it ("Option A: ... is the correct answer."); or a letter right after a word
    that chooses it ("the sarcastic option is (A)", "would be **(C) Rear Window**",
    "then (D)") that no predicate describes ("so, (A) is a neutral statement").
    """
    before, after = line[:start], line[end:]
    if not _LINE_LABEL.sub("", before).strip(" \t*_(["):
        return len(line.split()) <= _SHORT_OPTION_LINE_WORDS or bool(_VERDICT_WORD.search(after))
    if _DESCRIBED.match(after):
        return False
    clause = re.split(r"[.;!?](?:\s|$)|,\s", before)[-1]
    return not _EXPLORING.search(clause) and bool(_CHOOSING_CUE.search(before))


def is_trace_step(line: str) -> bool:
    """Whether ``line`` is a numbered step or a stack state of a worked trace."""
    return bool(_TRACE_STEP.search(line))


def ranks_letters(line: str) -> bool:
    """Whether ``line`` is a step of sorting words by their letters' ranks ("(18)")."""
    return bool(_RANK.search(line))


def states_boolean_result(line: str, start: int, end: int) -> bool:
    """Whether the True/False at ``line[start:end]`` is the result the line concludes with.

    It must close the line and follow "=", "→", "is", "to"... ("Z = A and B = False.",
    "The result is **False**"), in a line that is not a sub-step ("Let's evaluate B: ...").
    """
    if _SUB_EXPRESSION.search(line):
        return False
    return bool(_CLOSING_MARKS.match(line[end:]) and _BOOLEAN_RESULT_CUE.search(line[:start]))
