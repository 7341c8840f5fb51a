"""Every step that issues an act with a č. j. shows it first (issue 12, item 3).

The walk (``workflows.preview.jobs_after``) enumerates, over every flow the agendas register,
the worker jobs (each renders and numbers an act) that a completed node leads to without
another person's step. Each human node (start form or task) with such jobs must use a view that
previews (``previews_acts``); the nodes without a screen are listed here with their reason.
"""

from workflows import agendas
from workflows.preview import jobs_after

# (flow, node) → why no preview: nobody confirms on a screen here
NO_SCREEN = {
    ("LetterFlow", "start"): "started from code (letter_send); no user screen",
    ("CancellationFlow", "receive"): "started from code (demo seed, no API); the start form previews",
}
# repairs retry a job whose act the officer already confirmed at the step before the failure
RETRY_OF_CONFIRMED = {("OpinionFlow", "repair"), ("LetterFlow", "repair")}


def _view_class(node):
    view = getattr(node, "_view", None) or getattr(node, "_start_view", None)
    return getattr(view, "view_class", None)


def _issuing_nodes():
    for flow_class in agendas.flow_classes():
        for node in flow_class.instance.nodes():
            if jobs_after(node) and getattr(node, "task_type", "") in ("HUMAN", "HUMAN_START", "START"):
                yield flow_class, node


def test_the_walk_finds_the_known_issuing_steps():
    found = {(f.__name__, n.name) for f, n in _issuing_nodes()}
    # a sample that must be found: the start of an ex officio cancellation (oznámení), the
    # completeness check (výzva), the appeal period (nothing: finality writes the registry),
    # the opinion's approval (the numbered opinion)
    assert ("CancellationFlow", "start") in found
    assert ("RegistrationFlow", "check") in found
    assert ("OpinionFlow", "approve") in found
    assert ("RegistrationFlow", "appeal_period") not in found
    assert len(found) >= 10, sorted(found)


def test_every_step_that_issues_an_act_previews_it():
    missing = []
    for flow_class, node in _issuing_nodes():
        key = (flow_class.__name__, node.name)
        if key in NO_SCREEN:
            assert _view_class(node) is None, f"{key} has a screen now: it must preview"
            continue
        if key in RETRY_OF_CONFIRMED:
            continue
        view = _view_class(node)
        if not getattr(view, "previews_acts", False):
            missing.append(f"{key[0]}.{key[1]} ({view.__name__ if view else 'bez obrazovky'}) → "
                           + ", ".join(j.name for j in jobs_after(node)))
    assert missing == []
