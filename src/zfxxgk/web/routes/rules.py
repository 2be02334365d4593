"""校验规则: the rule catalogue and each rule's reference page (its docstring, rendered in the app)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ...check import RULES
from ..auth import CurrentUser
from ..detail import find_rule, rule_page, rule_sections
from ..templating import render

router = APIRouter(include_in_schema=False)


@router.get("/rules", name="rule_list")
def rule_list(request: Request, account: CurrentUser) -> Response:
    """Every rule with its severity and title."""
    rules = [(r, rule_page(r)) for r in RULES.values()]
    return render(request, "rules.html", title="校验规则", rules=rules)


@router.get("/rules/{name}", name="rule_detail")
def rule_detail(name: str, request: Request, account: CurrentUser) -> Response:
    """A rule's reference page; an instance id (``T3-BALANCE-total``) shows its rule."""
    rule = find_rule(name)
    if rule is None:
        raise HTTPException(404, f"没有规则“{name[:64]}”。")
    instances = [i for i, _ in rule.instances()]
    return render(request, "rule.html", title=f"规则 {rule.id}", rule=rule, sections=rule_sections(rule),
                  instances=instances, asked=name if name in instances and name != rule.id else None)
