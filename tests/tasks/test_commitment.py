"""Credit only answers a response commits to (issue 12): the three lenient classes a
held-back check found, and responses cut off by ``max_tokens``.

The responses are code-davinci-002's published BBH chain-of-thought outputs
(suzgunmirac/BIG-Bench-Hard, code-davinci-002-outputs/; most are in
data/codex_bbh_samples.jsonl), cut where a test says so to give the shape a response has
when it stops before its final answer.  Where the benchmark's gold would not expose the
false credit, the gold is the answer the old scorer extracted: a response that commits to
nothing must have no answer against any gold.
"""

from __future__ import annotations

import pytest

from tasks import get_scorer
from tasks.commitment import (
    commits_to_letter,
    finished_text,
    is_trace_step,
    is_unfinished,
)

choice, boolean, dyck = get_scorer("choice"), get_scorer("boolean"), get_scorer("dyck")
words, number, valid = get_scorer("word_list"), get_scorer("number"), get_scorer("valid_invalid")

SNARKS_FIRST = ("If we look at (A), it says that it could have been good having a person who prepared for things "
                "ahead of time in office. This is a neutral statement.")
SNARKS_SECOND = ("If we look at (B), it says that it could have been bad having a person who prepared for things "
                 "ahead of time in office.")
SNARKS_JUXTAPOSITION = (
    "If we look at (A), it says that the likelihood of internet-connected cars being hacked and controlled remotely "
    "is zero. However, we know that the likelihood of internet-connected cars being hacked and controlled remotely is "
    "not zero but rather is high.\nThe presence of such a juxtaposition in (A) suggests that it contains a taste of "
    "irony and sarcasm."
)
RUIN_FIRST_OPTION = (
    'The original name is "planet of the apes". This is the name of an old American science fiction movie.\n'
    '(A) "planet of the ales": Here the word "apes" is changed to "ales", but the word "ales" is not an actual word.'
)
HYPERBATON_BOTH = (
    'Option (A): "Turkish square terrible chair". (1) "Turkish" falls into the origin category. Because 6 < 4 < 1 is '
    'correct, (A) has the correct ordering.\nOption (B): "terrible square Turkish chair". Because 1 < 4 < 6 is '
    "correct, (B) has the correct ordering. So the answer is (A) and (B)."
)
BOOLEAN_HEAD = (
    'We first simplify this expression "Z" as follows: "Z = True or False or not True or False = A or B" where '
    '"A = True or False" and "B = not True or False".\n'
)
DYCK_HEAD = ("We should process each input one by one and keep track of the stack configuration.\n0: empty stack\n"
             "1: ( ; stack: (\n2: { ; stack: ( {\n")
WORDS_CUT = ('The first letter: "chassis": "c" (3). "caruso": "c" (3). "corporal": "c" (3). "signora": "s" (19).\n'
             'Hence, we have ["arachne" < "aggression" < "asplenium"] < "bystander" < "definite" < "g')


@pytest.mark.parametrize(
    "response, gold",
    [
        (SNARKS_FIRST + "\n" + SNARKS_SECOND, "(B)"),  # cut before "Above the above, the sarcastic option is"
        (SNARKS_JUXTAPOSITION, "(A)"),
        (RUIN_FIRST_OPTION, "(A)"),  # cut after the first option of the list
    ],
)
def test_a_letter_mentioned_in_passing_is_no_answer(response, gold):
    score = choice.score(response, gold)
    assert (score.correct, score.extracted, score.failure) == (False, None, "no_answer")


@pytest.mark.parametrize("gold", ["(A)", "(B)"])
def test_a_final_statement_naming_two_options_is_no_answer(gold):
    score = choice.score(HYPERBATON_BOTH, gold)
    assert (score.correct, score.extracted, score.failure) == (False, None, "no_answer")
    assert choice.score("So the answer is (A), (C) and (D).", "(A)").extracted is None


@pytest.mark.parametrize(
    "response",
    [
        "The answer is (C); (A) and (B) are both too early.",
        "So the answer is (B), and I am sure of it.",
        "The sarcastic option is (A). B and I agree.",
    ],
)
def test_one_option_beside_others_named_together_still_counts(response):
    gold = "(C)" if "(C)" in response else ("(B)" if "(B)" in response else "(A)")
    assert choice.score(response, gold).correct


@pytest.mark.parametrize(
    "scorer, response, gold",
    [
        (boolean, BOOLEAN_HEAD + "Let's evaluate A: A = True or False = True.\n"
                                 "Let's evaluate B: B = not True or False = not (True or", "True"),
        (boolean, BOOLEAN_HEAD + "Let's evaluate A: A = True or False = True.", "True"),
        (dyck, DYCK_HEAD + "38: > ; stack: ( { { < ( <\n39: > ; stack: ( { { < (\n40: >", ">"),
        (dyck, DYCK_HEAD + "39: > ; stack: ( { { < (\n40: > ; stack: ( { {", "( { {"),
        (words, WORDS_CUT, "aggression arachne asplenium bystander definite g"),
        (words, 'The sixth letter: "corporal": "r" (18). "caruso": "a" (1). We now have: (1) "caruso" < (18)', "caruso"),
    ],
)
def test_a_trace_cut_mid_way_is_no_answer(scorer, response, gold):
    score = scorer.score(response, gold)
    assert (score.correct, score.extracted, score.failure) == (False, None, "no_answer")


@pytest.mark.parametrize(
    "scorer, response, gold, extracted",
    [
        (boolean, "Plugging in A and B, we get: Z = A or B = True or False = True.", "True", "True"),
        (boolean, "The result of the Boolean expression is **False**.", "False", "False"),
        (dyck, "The completed sequence is `) ] }`.", ") ] }", ") ] }"),
        (choice, "Above the above, the sarcastic option is (A).", "(A)", "A"),
        (choice, "Based on the analysis, the best option would be **(C) Rear Window**.", "(C)", "C"),
        (choice, "(D) 70", "(D)", "D"),
        (choice, "Hence (C).", "(C)", "C"),
    ],
)
def test_finished_last_lines_that_conclude_still_count(scorer, response, gold, extracted):
    score = scorer.score(response, gold)
    assert score.correct and score.extracted == extracted, score


CODEX_DYCK = ('We should process each input one by one and keep track of the stack configuration.\n0: empty stack\n'
              '1: < ; stack: <\n2: < ; stack: < <\n3: > ; stack: <\nNow, we have reached the end. The final stack is '
              '"<".\nWe will need to pop out "<" one by one in that order.\nSo, we need ">". So the answer is >.')


def test_truncated_responses_keep_answers_finished_before_the_cut():
    assert dyck.score(CODEX_DYCK, ">", truncated=True).correct
    assert choice.score("So the answer is (B).\n\nExplanation: the date is", "(B)", truncated=True).correct
    up_front = "The argument is **invalid**. Here's why:\n\n1. **Premise 1**: Every expert of Real Madrid CF is a"
    assert valid.score(up_front, "invalid", truncated=True).correct


@pytest.mark.parametrize(
    "scorer, response, gold",
    [
        (number, "Janet sells 16 - 3 - 4 = 9 duck eggs a day.\nShe makes 9 * 2 = 18", "18"),
        (number, "She makes $18 every day.\nThe answer is 1", "1"),  # "18" cut after its first digit
        (choice, "Let me check each option.\n(A) is one day too early.\n(B) 12/11/1937", "(B)"),
        (dyck, DYCK_HEAD + "3: } ; stack: (", "("),
    ],
)
def test_truncated_responses_without_a_finished_answer_have_none(scorer, response, gold):
    assert scorer.score(response, gold, truncated=True) == scorer.score("", gold)
    assert not scorer.has_answer(response, truncated=True)


def test_the_same_responses_untruncated_are_still_read():
    assert number.score("Janet sells 9 duck eggs a day.\nShe makes 9 * 2 = 18", "18").correct
    assert number.score("She makes $18 every day.\nThe answer is 18", "18").correct


def test_finished_text_drops_the_unfinished_tail():
    assert finished_text("So the answer is (B).\nExplanation: the") == "So the answer is (B).\n"
    assert finished_text("First line.\nSecond line.") == "First line.\nSecond line."
    assert finished_text("The answer is 1") == ""
    assert finished_text("It costs 18.") == ""  # "18." may be the start of "18.5"
    assert finished_text("One. Two. And thr") == "One. Two."


@pytest.mark.parametrize(
    "line, unfinished",
    [
        ("The string ends with >, so", True),
        ("B = not (True or", True),
        ('Hence, we have ["peruse" ? "polyhedra" ? "puls', True),
        ("She makes 9 * 2 =", True),
        ("(D) 70", False),
        ("(B) Hold On", False),
        ("The result is False.", False),
    ],
)
def test_is_unfinished(line, unfinished):
    assert is_unfinished(line) is unfinished


def test_brackets_are_content_for_dyck_lines():
    assert is_unfinished("( [ {") and not is_unfinished("( [ {", brackets=False)


def test_trace_steps():
    assert is_trace_step("36: ] ; stack: { < {") and is_trace_step('Now, the final stack is "< [".')
    assert not is_trace_step(") ] }")


@pytest.mark.parametrize(
    "line, letter, committed",
    [
        ("If we look at (B), it says that the edit is funny.", "(B)", False),
        ("The presence of such a juxtaposition in (A) suggests irony.", "(A)", False),
        ("So, (A) is a neutral statement.", "(A)", False),
        ("Because 1 < 4 is correct, (B) has the correct ordering.", "(B)", False),
        ('(A) "the gokd will hunting": here the word "good" is changed to "gokd", which is not a word.', "(A)", False),
        ("Above the above, the only humorous edit is (C).", "(C)", True),
        ("Correct Option: (A) The visitor likes the cake.", "(A)", True),
        ('Option A: "midsize triangular Congolese drinking car" is the correct answer.', "Option A", True),
        ("... so it must be (A) then (D)", "(D)", True),
    ],
)
def test_commits_to_letter(line, letter, committed):
    start = line.rindex(letter)
    assert commits_to_letter(line, start, start + len(letter)) is committed
