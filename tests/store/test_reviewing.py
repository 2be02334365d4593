"""待复核 has one definition: the report list and the dashboard count the same reports (store.reviewing)."""

from __future__ import annotations

from tests.conftest import SEEDS
from zfxxgk import api
from zfxxgk.store import dashboard as dash
from zfxxgk.store import listing
from zfxxgk.store import users as users_mod
from zfxxgk.store.reviewing import awaits_decision, needs_decision


def _pending_in_list(store, account, year: int) -> set[int]:
    page = listing.list_reports(store, account, listing.Filters(year=year, status="pending", per_page=100))
    assert all(i.pending for i in page.items)
    return {i.id for i in page.items}


def _counts(store, account) -> dict[int, tuple[int, int, int]]:
    """Per year: (reports 待复核 in the list, 待复核 on the dashboard computed live, and from stored summaries)."""
    return {y: (len(_pending_in_list(store, account, y)), dash.status_counts(store, y).pending,
                dash.dashboard(store, y).status.pending) for y in listing.years(store, account)}


def test_list_and_dashboard_count_the_same_pending_reports(store):
    assert all(o.error is None for o in api.import_paths(SEEDS, store))
    users_mod.add_user(store, "admin", "admin-pass-1", "admin")
    admin = users_mod.get_user(store, "admin")
    everything = listing.list_reports(store, admin, listing.Filters(per_page=100)).items
    info_only = [i for i in everything if i.infos and not i.errors and not i.warnings]
    to_review = [i for i in everything if i.errors or i.warnings]
    assert info_only and len(to_review) >= 3  # the seeds give every case below
    before = _counts(store, admin)
    assert all(a == b == c for a, b, c in before.values()), before
    assert sum(a for a, _, _ in before.values()) == len(to_review)  # a report with only 提示 is not 待复核

    # mixed: one report fully decided, one partly, and the 提示 of another decided (changes nothing)
    full, part = to_review[0], to_review[1]
    for i, (f, _) in enumerate(store.findings(full.id)):
        if needs_decision(f.severity):
            store.review(full.id, f.fingerprint, "confirmed" if i % 2 else "rejected", "张三")
    partial = [f for f, _ in store.findings(part.id) if needs_decision(f.severity)]
    store.review(part.id, partial[0].fingerprint, "rejected", "张三")
    for f, _ in store.findings(info_only[0].id):
        store.review(info_only[0].id, f.fingerprint, "rejected", "张三")
    after = _counts(store, admin)
    assert all(a == b == c for a, b, c in after.values()), after
    assert sum(a for a, _, _ in after.values()) == len(to_review) - (1 if len(partial) > 1 else 2)
    item = {i.id: i for i in listing.list_reports(store, admin, listing.Filters(per_page=100)).items}
    assert not item[full.id].pending and item[full.id].reviewed == item[full.id].to_review > 0
    assert item[part.id].reviewed == 1 and item[part.id].to_review == len(partial)
    assert not item[info_only[0].id].pending and item[info_only[0].id].to_review == 0


def test_the_definition():
    assert awaits_decision("error", None) and awaits_decision("warning", None)
    assert not awaits_decision("info", None) and not awaits_decision("error", "rejected")
