"""Compute the conversation's states once per prediction in RulePolicy, and
remember which rules fit the last few states.

Right after a visitor's message, RulePolicy looks for a rule twice: once with
the message's text and once with its intent (`RulePolicy._predict`). Each look
rebuilds the states of the whole conversation by replaying every event
(`Policy._prediction_states`), the most expensive step of a prediction: about
a third of RulePolicy's time, which was about a quarter of the Rasa server's
CPU time per message at 10 visitors. The two looks see the same tracker, so
the states are built once and each look gets its own copy, to which Rasa's own
text-or-intent choice is then applied as before.

The memo holds one entry, for the tracker object, its number of events and its
last event (so a tracker that changed is never served stale states), and the
domain. Policies that learn from stories (`ML_DATA`), and any featurizer but
the `MaxHistoryTrackerFeaturizer` whose steps this repeats, go through Rasa's
own code unchanged.

Each look then filters all learned rules against the states, one state at a
time going back through the whole conversation (`_get_possible_keys`, about a
tenth of the server's time). A rule can only fail on the states it is as long
as (Rasa's `_is_rule_applicable` passes every older one), so the answer depends
only on the last few states, as many as the longest rule has, and on how many
states there are when there are fewer. Those few are the memo's key (their
`repr`, so states that merely look alike never share an answer), and each
caller gets its own copy of the set, as from Rasa.

Replaces: `RulePolicy._prediction_states`, `RulePolicy._get_possible_keys`.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, Optional, Set, Text

from components.speedups._patching import Patches

_patches = Patches()
#: rule matches remembered (a state tail's repr is a few hundred characters)
MEMO_SIZE = 4096


def _copy(states: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    # Rasa's text-or-intent choice deletes keys inside the sub-state dicts: copy two levels
    return [{key: (dict(sub) if isinstance(sub, dict) else sub) for key, sub in state.items()}
            for state in states]


def install() -> None:
    if _patches.active:
        return
    from rasa.core.policies.policy import SupportedData
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy._prediction_states
    memo: Dict[str, Any] = {"key": None, "states": None}

    def _prediction_states(
        self: RulePolicy,
        tracker: Any,
        domain: Any,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[Dict[Text, Any]]:
        if self.supported_data() == SupportedData.ML_DATA or type(self.featurizer) is not MaxHistoryTrackerFeaturizer:
            return original(self, tracker, domain, use_text_for_last_user_input, rule_only_data)
        events = tracker.events
        last = events[-1] if events else None
        cached = memo["key"]
        if (cached is None or cached[0] is not tracker or cached[1] != len(events) or cached[2] is not last
                or cached[3] is not domain or cached[4] is not self.featurizer):
            # ignore_rule_only_turns is False for rule data, so rule_only_data does not change the states
            raw = self.featurizer._create_states(tracker, domain, ignore_rule_only_turns=False,
                                                 rule_only_data=rule_only_data)
            memo["key"], memo["states"] = (tracker, len(events), last, domain, self.featurizer), raw
        states = self.featurizer.slice_state_history(_copy(memo["states"]), self.featurizer.max_history)
        self.featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    _patches.replace(RulePolicy, "_prediction_states", _prediction_states)

    original_keys = RulePolicy._get_possible_keys
    depths: Dict[int, Any] = {}
    matches: "OrderedDict[Any, Set[Text]]" = OrderedDict()

    def _depth(lookup: Dict[Text, Text]) -> int:
        known = depths.get(id(lookup))
        if known is None or known[0] is not lookup or known[1] != len(lookup):
            depth = max((len(RulePolicy._rule_key_to_state(key)) for key in lookup), default=0)
            known = depths[id(lookup)] = (lookup, len(lookup), depth)
        return known[2]

    def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[Dict[Text, Any]]) -> Set[Text]:
        depth = _depth(lookup)
        if not depth:
            return original_keys(self, lookup, states)
        tail = states[-depth:]
        key = (id(lookup), len(lookup), len(tail), repr(tail))
        found = matches.get(key)
        if found is None:
            found = original_keys(self, lookup, tail)
            matches[key] = found
            if len(matches) > MEMO_SIZE:
                matches.popitem(last=False)
        else:
            matches.move_to_end(key)
        return set(found)

    _patches.replace(RulePolicy, "_get_possible_keys", _get_possible_keys)


def uninstall() -> None:
    _patches.restore()
