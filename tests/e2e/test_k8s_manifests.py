"""deploy/k8s/ parses and says what the README promises: probes, no public Rasa, no secret values."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO_ROOT

K8S = REPO_ROOT / "deploy" / "k8s"
PROBES = {"gateway": "/healthz", "rasa": "/", "actions": "/health"}
SECRET_VARS = ("DATABASE_URL", "SESSION_SECRET", "RASA_TOKEN", "DB_PASSWORD", "REDIS_PASSWORD")


def documents() -> list[dict[str, Any]]:
    """Every document of every manifest (the kustomization excluded)."""
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs.extend(doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc)
    return docs


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents() if doc["kind"] == kind}


def container(deployment: dict[str, Any]) -> dict[str, Any]:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


def test_one_deployment_and_one_service_per_process() -> None:
    assert set(by_kind("Deployment")) == set(PROBES)
    assert set(by_kind("Service")) == set(PROBES)
    assert "intake-config" in by_kind("ConfigMap")
    assert all(s["spec"]["type"] == "ClusterIP" for s in by_kind("Service").values())  # Rasa stays inside


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probes(name: str) -> None:
    spec = container(by_kind("Deployment")[name])
    for probe in ("readinessProbe", "livenessProbe"):
        assert spec[probe]["httpGet"]["path"] == PROBES[name], (name, probe)
    selector = by_kind("Deployment")[name]["spec"]["selector"]["matchLabels"]
    assert by_kind("Service")[name]["spec"]["selector"] == selector


def test_secrets_are_references_only() -> None:
    assert by_kind("Secret") == {}
    for doc in documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        for item in container(doc).get("env", []):
            if item["name"] in SECRET_VARS:
                assert "value" not in item and "secretKeyRef" in item["valueFrom"], item["name"]


def test_model_is_read_only_and_config_mounted_read_only() -> None:
    rasa = container(by_kind("Deployment")["rasa"])
    assert rasa["securityContext"]["readOnlyRootFilesystem"] is True  # the baked-in model cannot change
    assert any(m["mountPath"] == "/config" and m["readOnly"] for m in rasa["volumeMounts"])
    endpoints = yaml.safe_load(by_kind("ConfigMap")["intake-config"]["data"]["endpoints.yml"])
    assert endpoints["lock_store"]["type"] == "redis"
    assert endpoints["tracker_store"]["dialect"] == "postgresql"


def test_network_policy_admits_only_gateway_to_rasa_to_actions() -> None:
    policies = by_kind("NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"]["podSelector"] == {}

    def sources(policy: str) -> list[dict[str, Any]]:
        return [peer for rule in policies[policy]["spec"]["ingress"] for peer in rule["from"]]

    def pods(name: str) -> list[dict[str, Any]]:
        return [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}]

    assert sources("rasa-from-gateway") == pods("gateway")
    assert sources("actions-from-rasa") == pods("rasa")
    assert all("podSelector" not in peer for peer in sources("gateway-from-ingress"))


def test_every_document_has_kind_name_and_api_version() -> None:
    for doc in documents():
        assert doc.get("apiVersion") and doc.get("kind") and doc["metadata"].get("name")
    assert Path(K8S / "networkpolicy.yaml").exists()
