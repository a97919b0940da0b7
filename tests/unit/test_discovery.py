"""Tests for jupyter_wopi.onlyoffice.discovery (pure parsing / URL building, spec §2)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from jupyter_wopi.onlyoffice.discovery import (
    Discovery,
    DiscoveryAction,
    DiscoveryApp,
    DiscoveryError,
    build_action_url,
    language_tag,
    parse_discovery,
    rebase_url,
)

# Published samples kept in the repository (tests/data/README.md says where from).
DATA = Path(__file__).parents[1] / "data"
OO_SAMPLE = DATA / "onlyoffice-discovery-sample.xml"  # older format (before DS 7.5)
OO_9_3 = DATA / "onlyoffice-discovery-9.3.xml"  # what a real DocService 9.3 served
MS_SAMPLE = DATA / "wopi-validator-discovery.xml"  # Microsoft's, with the dummy proof key

GROUPS = (
    "<rs=DC_LLCC&><dchat=DISABLE_CHAT&><embed=EMBEDDED&><fs=FULLSCREEN&><hid=HOST_SESSION_ID&>"
    "<rec=RECORDING&><sc=SESSION_CONTEXT&><thm=THEME_ID&><ui=UI_LLCC&><wopisrc=WOPI_SOURCE&>&"
)
# Current form (DS >= 7.5) and pre-7.5 form with "?&" (§2.4).
EDIT_NEW = "https://ds.example/hosting/wopi/word/edit?" + GROUPS
EDIT_OLD = "https://ds.example/hosting/wopi/word/edit?&" + GROUPS
EMBED_NEW = "https://ds.example/hosting/wopi/word/view?embed=1&" + GROUPS
VIEW_NEW = "https://ds.example/hosting/wopi/word/view?" + GROUPS
MS_FORM = (
    "https://ms.example/hosting/WopiTestFrame.aspx?<ui=UI_LLCC&><rs=DC_LLCC&>"
    "<dchat=DISABLE_CHAT&><hid=HOST_SESSION_ID&><sc=SESSION_CONTEXT&><wopisrc=WOPI_SOURCE&>"
    "<IsLicensedUser=BUSINESS_USER&><testcategory=VALIDATOR_TEST_CATEGORY>"
)

WOPI_SRC = "http://jupyter:8888/user/ann é/wopi/files/abc-123"
# A proof-key element with both keys (ONLYOFFICE's since 7.x, Microsoft's).
PROOF_KEY_ATTRIBUTES = {"oldvalue", "oldmodulus", "oldexponent", "value", "modulus", "exponent"}
WOPI_SRC_ENC = "http%3A%2F%2Fjupyter%3A8888%2Fuser%2Fann%20%C3%A9%2Fwopi%2Ffiles%2Fabc-123"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


INLINE_XML = f"""<?xml version="1.0" encoding="utf-8"?>
<wopi-discovery>
  <net-zone name="external-http">
    <app name="Word" favIconUrl="http://onlyoffice/web-apps/word.ico">
      <action name="view" ext="docx" default="true" urlsrc="{_esc(VIEW_NEW)}"/>
      <action name="embedview" ext="docx" urlsrc="{_esc(EMBED_NEW)}"/>
      <action name="mobileView" ext="docx" urlsrc="{_esc(EMBED_NEW)}"/>
      <action name="edit" ext="docx" default="true" requires="locks,update"
              urlsrc="{_esc(EDIT_NEW)}"/>
      <action name="view" ext="doc" urlsrc="{_esc(VIEW_NEW)}"/>
      <action name="convert" ext="doc" targetext="docx" requires="update"
              urlsrc="https://ds.example/hosting/wopi/convert-and-edit/doc/docx?{_esc(GROUPS)}"/>
    </app>
    <app name="Excel">
      <action name="edit" ext="xlsx" requires="locks,update"
              urlsrc="https://ds.example/hosting/wopi/cell/edit?{_esc(GROUPS)}"/>
    </app>
    <app name="application/vnd.openxmlformats-officedocument.wordprocessingml.document">
      <action name="edit" ext="" default="true" requires="locks,update"
              urlsrc="{_esc(EDIT_NEW)}"/>
    </app>
    <app name="Capabilities">
      <action ext="" name="getinfo" requires="locks,update"
              urlsrc="https://ds.example/hosting/capabilities"/>
    </app>
  </net-zone>
</wopi-discovery>
""".encode()


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def _read_validator_sample() -> bytes:
    return MS_SAMPLE.read_bytes()


def _german_query(urlsrc: str) -> dict[str, list[str]]:
    """The query of the action URL built from `urlsrc` for WOPI_SRC in German, checked to
    keep no placeholder."""
    url = build_action_url(urlsrc, wopi_src=WOPI_SRC, ui_lang="de-DE", region="de-DE")
    assert "<" not in url and ">" not in url
    return _query(url)


# --------------------------------------------------------------------------- parsing


def test_parse_inline() -> None:
    d = parse_discovery(INLINE_XML)
    assert d.net_zone == "external-http"
    assert d.proof_key is None
    assert [a.name for a in d.apps] == [
        "Word",
        "Excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Capabilities",
    ]
    edit = d.find("docx", "edit")
    assert edit is not None
    assert edit.app == "Word"
    assert edit.requires == frozenset({"locks", "update"})
    assert edit.default is True
    assert edit.targetext is None
    assert edit.urlsrc == EDIT_NEW  # XML entities unescaped
    assert d.favicon_for(edit) == "http://onlyoffice/web-apps/word.ico"
    xlsx = d.find("xlsx", "edit")
    assert xlsx is not None
    assert d.favicon_for(xlsx) is None
    conv = d.find("doc", "convert")
    assert conv is not None
    assert conv.targetext == "docx"
    assert conv.requires == frozenset({"update"})
    assert d.find("doc", "edit") is None


def test_lookups_case_insensitive_and_dot() -> None:
    d = parse_discovery(INLINE_XML)
    a = d.find(".DOCX", "EDIT")
    assert a is not None and a.name == "edit"
    m = d.find("Docx", "mobileview")
    assert m is not None and m.name == "mobileView"
    assert [a.name for a in d.actions_for("DOCX")] == ["view", "embedview", "mobileView", "edit"]


def test_mime_apps_ignored() -> None:
    d = parse_discovery(INLINE_XML)
    assert d.extensions() == {"docx", "doc", "xlsx"}
    assert "" not in d.extensions()
    assert d.actions_for("") == []
    assert d.find("", "edit") is None
    assert d.find("", "getinfo") is None
    # The MIME app's edit action is not what find() returns for docx.
    edit = d.find("docx", "edit")
    assert edit is not None and edit.app == "Word"


def test_parse_onlyoffice_sample() -> None:
    d = parse_discovery(OO_SAMPLE.read_bytes())
    assert d.net_zone == "external-http"
    assert d.extensions() == {"pdf", "djvu", "docx", "xls", "xlsb"}
    edit = d.find("docx", "edit")
    assert edit is not None
    assert edit.default and edit.requires == {"locks", "update"}
    assert edit.urlsrc.startswith("https://test.server.prv/hosting/wopi/word/edit?&<rs=DC_LLCC&>")
    assert d.favicon_for(edit) == (
        "https://test.server.prv/web-apps/apps/documenteditor/main/resources/img/favicon.ico"
    )
    editnew = d.find("docx", "EditNew")
    assert editnew is not None and not editnew.default
    conv = d.find("XLS", "convert")
    assert conv is not None
    assert conv.targetext == "xlsx" and conv.requires == {"update"} and conv.app == "Excel"
    assert d.find("xls", "edit") is None
    assert [a.name for a in d.actions_for("pdf")] == ["view", "embedview"]
    assert d.proof_key is not None
    assert set(d.proof_key) == PROOF_KEY_ATTRIBUTES
    assert d.proof_key["exponent"] == "AQAB"
    assert d.proof_key["value"] == d.proof_key["oldvalue"]
    assert d.proof_key["modulus"].startswith("qnro3nUUjvZK1i7U")


def test_parse_onlyoffice_9_3() -> None:
    """The current format (client-behavior §17): 75 extensions, editnew, convert, both keys."""
    d = parse_discovery(OO_9_3.read_bytes())
    assert d.net_zone == "external-http"
    assert len(d.extensions()) == 75
    assert {"docx", "xlsx", "pptx", "pdf", "doc", "xls", "ppt", "odt"} <= d.extensions()
    assert [a.name for a in d.actions_for("docx")] == [
        "view",
        "embedview",
        "mobileView",
        "edit",
        "mobileEdit",
        "editnew",
    ]
    assert {e for e in d.extensions() if d.find(e, "editnew")} == {"docx", "xlsx", "pptx", "pdf"}
    edit = d.find("docx", "edit")
    assert edit is not None
    assert edit.app == "Word" and edit.default and edit.requires == {"locks", "update"}
    assert edit.urlsrc.startswith("http://127.0.0.1:8000/hosting/wopi/word/edit?<rs=DC_LLCC&>")
    assert d.favicon_for(edit) == (
        "http://127.0.0.1:8000/web-apps/apps/documenteditor/main/resources/img/favicon.ico"
    )
    for legacy, target in (("doc", "docx"), ("xls", "xlsx"), ("ppt", "pptx")):
        conv = d.find(legacy, "convert")
        assert conv is not None
        assert conv.targetext == target and conv.requires == {"update"}
        assert d.find(legacy, "edit") is None
    assert d.proof_key is not None
    assert set(d.proof_key) == PROOF_KEY_ATTRIBUTES
    assert d.proof_key["exponent"] == d.proof_key["oldexponent"] == "AQAB"
    assert d.proof_key["value"] != d.proof_key["oldvalue"]

    q = _german_query(edit.urlsrc)
    assert q["wopisrc"] == [WOPI_SRC] and q["ui"] == ["de-DE"] and q["rs"] == ["de-DE"]


def test_parse_validator_sample() -> None:
    d = parse_discovery(_read_validator_sample())  # note: file starts with a UTF-8 BOM
    assert d.net_zone == "external-https"
    assert d.extensions() == {"wopitest", "wopitestx"}
    assert {a.name for a in d.actions_for("wopitest")} == {"view", "edit", "getinfo", "open"}
    view = d.find("WOPITEST", "View")
    assert view is not None
    assert view.requires == frozenset() and not view.default
    assert d.favicon_for(view) == "https://FFC-onenote.officeapps.live.com"
    assert d.proof_key is not None
    assert d.proof_key["exponent"] == "AQAB"
    assert d.proof_key["oldexponent"] == "AQAB"
    assert d.proof_key["value"].startswith("BgIAAACkAABSU0ExAAQAAAEAAQABRJHM")
    assert d.proof_key["value"] != d.proof_key["oldvalue"]

    assert _german_query(view.urlsrc) == {"ui": ["de-DE"], "rs": ["de-DE"], "wopisrc": [WOPI_SRC]}


@pytest.mark.parametrize(
    "xml",
    [
        b"",
        b"<wopi-discovery><net-zone>",
        b"not xml at all",
        b"<html><body>502 Bad Gateway</body></html>",
        b"<wopi-discovery/>",
        b'<wopi-discovery><net-zone name="x"/></wopi-discovery>',
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><wopi-discovery/>',
    ],
)
def test_malformed_raises(xml: bytes) -> None:
    with pytest.raises(DiscoveryError) as info:
        parse_discovery(xml)
    assert isinstance(info.value, ValueError)
    assert str(info.value).endswith(".")


def test_named_net_zone() -> None:
    xml = b"""<wopi-discovery>
      <net-zone name="internal-http"><app name="A">
        <action name="view" ext="txt" urlsrc="http://int/view?"/></app></net-zone>
      <net-zone name="external-https"><app name="A">
        <action name="view" ext="txt" urlsrc="https://ext/view?"/></app></net-zone>
    </wopi-discovery>"""
    assert parse_discovery(xml).net_zone == "internal-http"
    d = parse_discovery(xml, net_zone="external-https")
    view = d.find("txt", "view")
    assert view is not None and view.urlsrc == "https://ext/view?"
    with pytest.raises(DiscoveryError, match="external-http'"):
        parse_discovery(xml, net_zone="external-http")


# --------------------------------------------------------------------------- build_action_url


@pytest.mark.parametrize("template", [EDIT_NEW, EDIT_OLD])
def test_build_edit_both_forms(template: str) -> None:
    url = build_action_url(
        template,
        wopi_src=WOPI_SRC,
        ui_lang="de-DE",
        region="fr-FR",
        theme="dark",
        disable_chat=True,
        session_context="a b&c",
    )
    assert url == (
        "https://ds.example/hosting/wopi/word/edit?rs=fr-FR&dchat=1&sc=a%20b%26c&thm=2&ui=de-DE"
        f"&wopisrc={WOPI_SRC_ENC}"
    )
    assert _query(url) == {
        "rs": ["fr-FR"],
        "dchat": ["1"],
        "sc": ["a b&c"],
        "thm": ["2"],
        "ui": ["de-DE"],
        "wopisrc": [WOPI_SRC],
    }
    assert "embed" not in url and "fs=" not in url and "hid=" not in url and "rec=" not in url


@pytest.mark.parametrize("template", [EDIT_NEW, EDIT_OLD])
def test_build_minimal(template: str) -> None:
    url = build_action_url(template, wopi_src="https://h.example/wopi/files/1")
    assert url == (
        "https://ds.example/hosting/wopi/word/edit?wopisrc=https%3A%2F%2Fh.example%2Fwopi%2Ffiles%2F1"
    )


def test_build_light_theme_and_empty_values_dropped() -> None:
    url = build_action_url(
        EDIT_NEW, wopi_src=WOPI_SRC, ui_lang="", region=None, theme="light", session_context=""
    )
    assert _query(url) == {"thm": ["1"], "wopisrc": [WOPI_SRC]}


def test_build_embedview_keeps_fixed_embed_once() -> None:
    url = build_action_url(EMBED_NEW, wopi_src=WOPI_SRC, ui_lang="en-US")
    q = _query(url)
    assert q["embed"] == ["1"]
    assert url.count("embed") == 1
    assert q["wopisrc"] == [WOPI_SRC]
    assert url.startswith("https://ds.example/hosting/wopi/word/view?embed=1&ui=en-US&wopisrc=")


def test_build_tidy() -> None:
    for template in (EDIT_NEW, EDIT_OLD, EMBED_NEW, MS_FORM):
        url = build_action_url(template, wopi_src=WOPI_SRC)
        assert "?&" not in url and "&&" not in url
        assert not url.endswith(("&", "?"))
        assert "<" not in url and ">" not in url


def test_build_unknown_placeholders_dropped() -> None:
    url = build_action_url(MS_FORM, wopi_src=WOPI_SRC, ui_lang="en-US", disable_chat=True)
    assert url == (
        f"https://ms.example/hosting/WopiTestFrame.aspx?ui=en-US&dchat=1&wopisrc={WOPI_SRC_ENC}"
    )
    t = "https://ds/x?a=1&<foo=BAR&><wopisrc=WOPI_SOURCE&><zz=ZZ>#frag"
    assert (
        build_action_url(t, wopi_src="http://h/f")
        == "https://ds/x?a=1&wopisrc=http%3A%2F%2Fh%2Ff#frag"
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "https://ds/hosting/capabilities",
            "https://ds/hosting/capabilities?wopisrc=http%3A%2F%2Fh%2Ff",
        ),
        ("https://ds/x?", "https://ds/x?wopisrc=http%3A%2F%2Fh%2Ff"),
        ("https://ds/x?a=1&<ui=UI_LLCC&>", "https://ds/x?a=1&wopisrc=http%3A%2F%2Fh%2Ff"),
        ("https://ds/x#f", "https://ds/x?wopisrc=http%3A%2F%2Fh%2Ff#f"),
    ],
)
def test_build_appends_wopisrc_when_no_placeholder(template: str, expected: str) -> None:
    assert build_action_url(template, wopi_src="http://h/f") == expected


def test_build_wopisrc_exactly_once() -> None:
    twice = "https://ds/x?<wopisrc=WOPI_SOURCE&><WOPISrc=WOPI_SOURCE&>"
    url = build_action_url(twice, wopi_src="http://h/f")
    assert url == "https://ds/x?wopisrc=http%3A%2F%2Fh%2Ff"
    with pytest.raises(ValueError, match="fixed wopisrc"):
        build_action_url("https://ds/x?WOPISrc=http%3A%2F%2Fo&", wopi_src="http://h/f")


@pytest.mark.parametrize(
    "wopi_src",
    [
        "http://h/wopi/files/1?access_token=x",
        "http://h/wopi/files/1#frag",
        "",
        "/wopi/files/1",
        "ftp://h/wopi/files/1",
    ],
)
def test_build_refuses_bad_wopi_src(wopi_src: str) -> None:
    with pytest.raises(ValueError):
        build_action_url(EDIT_NEW, wopi_src=wopi_src)


def test_build_refuses_malformed_template_and_theme() -> None:
    with pytest.raises(ValueError, match="unbalanced"):
        build_action_url("https://ds/x?<ui=UI_LLCC&", wopi_src="http://h/f")
    with pytest.raises(ValueError, match="theme"):
        build_action_url(EDIT_NEW, wopi_src="http://h/f", theme="blue")  # type: ignore[arg-type]


def test_build_encodes_like_encode_uri_component() -> None:
    src = "https://h.example/a-b_c.d!e~f*g'h(i)/j k+l,m;n=o:p@q$r"
    url = build_action_url(EDIT_NEW, wopi_src=src)
    assert url.endswith(
        "wopisrc=https%3A%2F%2Fh.example%2Fa-b_c.d!e~f*g'h(i)%2Fj%20k%2Bl%2Cm%3Bn%3Do%3Ap%40q%24r"
    )
    assert _query(url)["wopisrc"] == [src]


# --------------------------------------------------------------------------- rebase_url (§2.6)


@pytest.mark.parametrize(
    ("url", "internal", "public", "expected"),
    [
        (
            EDIT_NEW,
            "https://ds.example",
            "https://office.example.com",
            EDIT_NEW.replace("https://ds.example", "https://office.example.com"),
        ),
        (
            "http://onlyoffice/hosting/wopi/word/edit?<ui=UI_LLCC&>",
            "http://onlyoffice/",
            "https://pub.example/oo/",
            "https://pub.example/oo/hosting/wopi/word/edit?<ui=UI_LLCC&>",
        ),
        (
            "http://onlyoffice:80/web-apps/x.ico",
            "http://ONLYOFFICE",
            "https://pub.example:8443",
            "https://pub.example:8443/web-apps/x.ico",
        ),
        (
            "http://int:8080/ds/hosting/wopi/cell/view?embed=1&",
            "http://int:8080/ds/",
            "https://pub.example/office",
            "https://pub.example/office/hosting/wopi/cell/view?embed=1&",
        ),
        (
            "http://int:8080/ds/hosting/x",
            "http://int:8080/ds",
            "https://pub.example",
            "https://pub.example/hosting/x",
        ),
        # no match: other host, other port, other scheme, path not on a segment boundary
        ("http://other/hosting/x", "http://int", "https://pub", "http://other/hosting/x"),
        ("http://int:8080/hosting/x", "http://int", "https://pub", "http://int:8080/hosting/x"),
        ("https://int/hosting/x", "http://int", "https://pub", "https://int/hosting/x"),
        ("http://int/dsx/hosting", "http://int/ds", "https://pub", "http://int/dsx/hosting"),
        ("not a url", "http://int", "https://pub", "not a url"),
        # empty public base: no rewriting configured
        ("http://int/hosting/x", "http://int", "", "http://int/hosting/x"),
    ],
)
def test_rebase_url(url: str, internal: str, public: str, expected: str) -> None:
    assert rebase_url(url, internal, public) == expected


def test_rebase_url_rejects_bad_bases() -> None:
    with pytest.raises(ValueError):
        rebase_url("http://int/x", "int", "https://pub")
    with pytest.raises(ValueError):
        rebase_url("http://int/x", "http://int", "pub.example")
    with pytest.raises(ValueError):
        rebase_url("http://int/x", "http://int", "https://pub/?a=1")


def test_discovery_rebased() -> None:
    d = parse_discovery(INLINE_XML).rebased("https://ds.example", "https://office.example.com/")
    edit = d.find("docx", "edit")
    assert edit is not None
    assert edit.urlsrc.startswith("https://office.example.com/hosting/wopi/word/edit?<rs=")
    # favicon host differs from internal base: untouched
    assert d.favicon_for(edit) == "http://onlyoffice/web-apps/word.ico"
    d2 = parse_discovery(INLINE_XML).rebased("http://onlyoffice", "https://pub")
    edit2 = d2.find("docx", "edit")
    assert edit2 is not None
    assert d2.favicon_for(edit2) == "https://pub/web-apps/word.ico"


def test_dataclasses_constructible_by_hand() -> None:
    a = DiscoveryAction(
        app="Word",
        name="edit",
        ext="docx",
        urlsrc=EDIT_NEW,
        requires=frozenset({"locks", "update"}),
        default=True,
        targetext=None,
    )
    d = Discovery(actions=(a,), apps=(DiscoveryApp("Word", "https://i/f.ico"),), proof_key=None)
    assert d.find("DOCX", "Edit") is a
    assert d.favicon_for(a) == "https://i/f.ico"


# --------------------------------------------------------------------------- language_tag


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (None, "en-US"),
        ("", "en-US"),
        ("default", "en-US"),
        ("en", "en-US"),
        ("EN", "en-US"),
        ("en_US", "en-US"),
        ("en_GB", "en-GB"),
        ("de_DE", "de-DE"),
        ("zh_CN", "zh-CN"),
        ("pt_BR", "pt-BR"),
        ("de", "de"),
        ("de_de", "de-DE"),
        ("de_DE.UTF-8", "de-DE"),
        ("sr_RS@latin", "sr-RS"),
        ("zh_hans_cn", "zh-Hans-CN"),
        ("es_419", "es-419"),
        ("C", "en-US"),
        ("../etc", "en-US"),
        ("x", "en-US"),
    ],
)
def test_language_tag(locale: str | None, expected: str) -> None:
    assert language_tag(locale) == expected
