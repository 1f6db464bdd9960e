"""Roles in the store (koder, prosjektleder, leser), on SQLite and PostgreSQL: a project without
roles works as before; with roles, each prosjektleder action is refused for a koder and a leser
with one clear error and an audit row that stays, and nothing else is written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fritekst.cli import app
from fritekst.errors import InputError
from fritekst.store import NotAllowed, open_store


def _first_codable(store):
    codebook = store.codebook()
    return codebook, [c.id for c in codebook.codable()]


@pytest.fixture
def team(example_store_url):
    """The example project with roles: per leads, kari codes, lise reads."""
    with open_store(example_store_url) as store:
        store.grant_role("per", "prosjektleder", actor="per")
        store.grant_role("kari", "koder", actor="per")
        store.grant_role("lise", "leser", actor="per")
    return example_store_url


def test_a_project_without_roles_allows_every_change_as_before(example_store_url):
    with open_store(example_store_url) as store:
        codebook, codes = _first_codable(store)
        segment = int(store.segments()["segment_id"].iloc[-1])
        store.add_coding(segment, codes[1], coder="hvem-som-helst", codebook_version=codebook.version)
        store.settle(segment, codes[1], adjudicator="hvem-som-helst", codebook_version=codebook.version)
        assert not store.has_roles()


def test_the_first_role_must_be_a_prosjektleder(example_store_url):
    with open_store(example_store_url) as store:
        with pytest.raises(InputError, match="grant prosjektleder first"):
            store.grant_role("kari", "koder", actor="per")
        with pytest.raises(InputError, match="no role 'sjef'"):
            store.grant_role("per", "sjef", actor="per")
        assert store.roles().empty


def test_a_koder_codes_but_cannot_edit_the_codebook_and_the_refusal_is_audited(team):
    with open_store(team) as store:
        codebook, codes = _first_codable(store)
        segments = store.segments()
        segment = int(segments["segment_id"].iloc[-2])
        store.add_coding(segment, codes[2], coder="kari", codebook_version=codebook.version, memo="ok")
        log, versions = len(store.audit_log()), codebook.version
        edited = codebook.model_copy(update={"description": "endret av kari"})
        with pytest.raises(NotAllowed, match="kari has the role koder; only a prosjektleder may edit the codebook"):
            store.save_codebook(edited, author="kari", expected_version=codebook.version)
        assert store.codebook().version == versions
        audit = store.audit_log()
        assert len(audit) == log + 1
        refusal = audit.iloc[-1]
        assert (refusal["actor"], refusal["action"], refusal["after"]) == (
            "kari", "refused", {"action": "save_codebook", "role": "koder"})
        store.save_codebook(edited, author="per", expected_version=codebook.version)
        assert store.codebook().version == versions + 1


@pytest.mark.parametrize("person", ["kari", "lise", "ukjent"])
def test_prosjektleder_actions_are_refused_to_others(team, person):
    with open_store(team) as store:
        codebook, codes = _first_codable(store)
        segments = store.segments()
        segment = int(segments["segment_id"].iloc[-3])
        themes = store.themes()
        theme = themes.iloc[-1]
        before = (len(store.codings()), len(store.adjudications()), store.themes()["label"].tolist())
        attempts = [
            lambda: store.settle(segment, codes[1], adjudicator=person, codebook_version=codebook.version),
            lambda: store.rename_theme(store.runs()["run_id"].iloc[-1], theme["question"], int(theme["theme_id"]),
                                       "Nytt navn", actor=person),
            lambda: store.add_codings(segments["segment_id"].iloc[:5].tolist(), codes[1], person, codebook.version,
                                      whole_theme=True),
            lambda: store.forget(str(segments["id"].iloc[-1]), reason="sak 1", actor=person),
            lambda: store.grant_role(person, "prosjektleder", actor=person),
        ]
        for attempt in attempts:
            with pytest.raises(NotAllowed):
                attempt()
        assert (len(store.codings()), len(store.adjudications()), store.themes()["label"].tolist()) == before
        refused = store.audit_log("role")
        assert refused[refused["action"] == "refused"]["actor"].tolist() == [person] * len(attempts)
        assert store.role(person) == {"kari": "koder", "lise": "leser"}.get(person)


def test_a_leser_and_a_stranger_cannot_code_but_a_prosjektleder_can_do_all(team):
    with open_store(team) as store:
        codebook, codes = _first_codable(store)
        segment = int(store.segments()["segment_id"].iloc[-4])
        for person in ("lise", "ukjent"):
            with pytest.raises(NotAllowed, match="only a koder or prosjektleder may code answers"):
                store.add_coding(segment, codes[1], coder=person, codebook_version=codebook.version)
        store.add_coding(segment, codes[1], coder="per", codebook_version=codebook.version)
        store.settle(segment, codes[1], adjudicator="per", codebook_version=codebook.version)
        store.grant_role("lise", "koder", actor="per")
        store.add_coding(segment, codes[2], coder="lise", codebook_version=codebook.version)
        people = store.current_codings(segment_id=segment).query("coder != 'model'")
        assert people.set_index("coder")["code_id"].to_dict() == {"per": codes[1], "lise": codes[2]}


def test_roles_from_the_command_line(example_store_url, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("FRITEKST_USER", "per")
    done = runner.invoke(app, ["roles", "grant", "per", "Prosjektleder", "--db", example_store_url])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["roles", "grant", "kari@kommune.no", "koder", "--db", example_store_url])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["roles", "list", "--db", example_store_url]).output
    assert "kari@kommune.no\tkoder\tgranted by per" in listed and "per\tprosjektleder" in listed
    monkeypatch.setenv("FRITEKST_USER", "kari@kommune.no")
    done = runner.invoke(app, ["roles", "grant", "kari@kommune.no", "prosjektleder", "--db", example_store_url])
    assert done.exit_code == 2
    assert "Error: kari@kommune.no has the role koder; only a prosjektleder may grant roles" in done.output
    done = runner.invoke(app, ["forget", "--db", example_store_url, "--respondent", "1002", "--reason", "x",
                               "--no-cache"])
    assert done.exit_code == 2 and "may erase respondents" in done.output
