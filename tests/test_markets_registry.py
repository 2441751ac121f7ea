"""The instrument registry and editions: bundled data, name resolution, user editions."""

from __future__ import annotations

import exchange_calendars as xcals
import pytest

from marketdesk.errors import InputError, UnknownEditionError, UnknownInstrumentError
from marketdesk.markets.registry import Edition, Registry, normalize_name
from marketdesk.model import InstrumentKind

# The reference page's strip (Yahoo Finance Canada, 2024-07-05), in page order.
CA_STRIP = [
    ("tsx", "S&P/TSX"),
    ("sp500", "S&P 500"),
    ("dji", "DOW"),
    ("cadusd", "CAD/USD"),
    ("wti", "CRUDE OIL"),
    ("btccad", "Bitcoin CAD"),
    ("cmc200", "CMC Crypto 200"),
    ("gold_futures", "GOLD FUTURES"),
    ("russell2000", "RUSSELL 2000"),
    ("us10y", "10-Yr Bond"),
    ("nasdaq", "NASDAQ"),
    ("vix", "VOLATILITY"),
    ("ftse100", "FTSE"),
    ("nikkei225", "NIKKEI 225"),
    ("cadeur", "CAD/EUR"),
]

LABELS = {
    "ca": ("Canada", "XTSE"),
    "us": ("U.S.", "XNYS"),
    "uk": ("U.K.", "XLON"),
    "eu": ("Europe", "XETR"),
    "jp": ("Japan", "XTKS"),
    "hk": ("Hong Kong", "XHKG"),
    "in": ("India", "XBOM"),
    "au": ("Australia", "XASX"),
}


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.bundled()


def test_bundled_is_cached(reg: Registry) -> None:
    assert Registry.bundled() is reg


def test_editions_labels_and_calendars(reg: Registry) -> None:
    assert {e.code for e in reg.editions()} == set(LABELS)
    for code, (label, calendar) in LABELS.items():
        ed = reg.edition(code)
        assert (ed.label, ed.calendar) == (label, calendar)


def test_ca_strip_is_the_reference_strip(reg: Registry) -> None:
    assert list(reg.edition("ca").strip) == CA_STRIP


@pytest.mark.parametrize("code", sorted(LABELS))
def test_every_strip_is_sensible(reg: Registry, code: str) -> None:
    strip = reg.edition(code).strip
    assert 8 <= len(strip) <= 15
    keys = [k for k, _ in strip]
    assert len(set(keys)) == len(keys)
    for key, shown in strip:
        reg.instrument(key)
        assert shown.strip()


def test_calendars_are_real(reg: Registry) -> None:
    names = set(xcals.get_calendar_names(include_aliases=False))
    for inst in reg.instruments():
        assert inst.calendar in names, inst.key
    for ed in reg.editions():
        assert ed.calendar in names, ed.code


def test_decimals_follow_the_kind(reg: Registry) -> None:
    expected = {InstrumentKind.FX: 4, InstrumentKind.YIELD: 4, InstrumentKind.CRYPTO: 2}
    for inst in reg.instruments():
        if inst.kind in expected:
            assert inst.decimals == expected[inst.kind], inst.key
        if inst.kind is InstrumentKind.INDEX:
            assert inst.decimals == 2, inst.key


def test_reference_symbols(reg: Registry) -> None:
    yahoo = {
        "tsx": "^GSPTSE",
        "sp500": "^GSPC",
        "dji": "^DJI",
        "cadusd": "CADUSD=X",
        "wti": "CL=F",
        "btccad": "BTC-CAD",
        "cmc200": "^CMC200",
        "gold_futures": "GC=F",
        "russell2000": "^RUT",
        "us10y": "^TNX",
        "nasdaq": "^IXIC",
        "vix": "^VIX",
        "ftse100": "^FTSE",
        "nikkei225": "^N225",
        "cadeur": "CADEUR=X",
    }
    for key, symbol in yahoo.items():
        assert dict(reg.instrument(key).symbols)["yahoo"] == symbol
    fred = {"sp500": "SP500", "us10y": "DGS10", "vix": "VIXCLS", "wti": "DCOILWTICO"}
    for key, symbol in fred.items():
        assert dict(reg.instrument(key).symbols)["fred"] == symbol


def test_provider_symbols_are_unique(reg: Registry) -> None:
    seen: dict[tuple[str, str], str] = {}
    for inst in reg.instruments():
        for provider, symbol in inst.symbols:
            assert (provider, symbol) not in seen, (inst.key, seen.get((provider, symbol)))
            seen[(provider, symbol)] = inst.key
    assert reg.by_symbol("yahoo", "^gsptse") is reg.instrument("tsx")
    assert reg.by_symbol("yahoo", "nope") is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("S&P/TSX", "tsx"),
        ("S&P TSX", "tsx"),
        ("s&p-tsx", "tsx"),
        ("S&P/TSX Composite", "tsx"),
        ("TSX", "tsx"),
        ("DOW", "dji"),
        ("Dow 30", "dji"),
        ("Dow Jones", "dji"),
        ("Dow Jones Industrial Average", "dji"),
        ("CRUDE OIL", "wti"),
        ("Crude Oil", "wti"),
        ("WTI", "wti"),
        ("10-Yr Bond", "us10y"),
        ("10-Year Treasury", "us10y"),
        ("VOLATILITY", "vix"),
        ("GOLD FUTURES", "gold_futures"),
        ("Gold", "gold"),
        ("CAD/USD", "cadusd"),
        ("cad usd", "cadusd"),
        ("  nikkei   225 ", "nikkei225"),
        ("^GSPTSE", "tsx"),
        ("CL=F", "wti"),
        ("sp500", "sp500"),
    ],
)
def test_resolve(reg: Registry, name: str, key: str) -> None:
    inst = reg.resolve(name)
    assert inst is not None and inst.key == key


def test_resolve_prefers_the_edition_names(reg: Registry) -> None:
    # On the U.S. strip "Gold" is the gold future; on its own it is spot gold.
    us_gold = reg.resolve("Gold", "us")
    assert us_gold is not None and us_gold.key == "gold_futures"
    plain_gold = reg.resolve("gold")
    assert plain_gold is not None and plain_gold.key == "gold"
    # Names the edition does not print still resolve globally.
    tsx = reg.resolve("S&P/TSX", "us")
    assert tsx is not None and tsx.key == "tsx"


@pytest.mark.parametrize("code", sorted(LABELS))
def test_every_strip_name_resolves_to_its_instrument(reg: Registry, code: str) -> None:
    for key, shown in reg.edition(code).strip:
        inst = reg.resolve(shown, code)
        assert inst is not None and inst.key == key, shown


def test_ca_names_resolve_without_edition(reg: Registry) -> None:
    for key, shown in CA_STRIP:
        inst = reg.resolve(shown)
        assert inst is not None and inst.key == key, shown


def test_resolve_misses(reg: Registry) -> None:
    assert reg.resolve("Acme Widgets Index") is None
    assert reg.resolve("") is None
    assert reg.resolve("—/—") is None
    with pytest.raises(UnknownEditionError):
        reg.resolve("DOW", "zz")


def test_normalize_name() -> None:
    assert normalize_name("S&P/TSX") == normalize_name("S&P TSX") == "sptsx"
    assert normalize_name("ＦＴＳＥ") == "ftse"  # full-width letters fold too


def test_instrument_lookup(reg: Registry) -> None:
    assert reg.instrument("DJI") is reg.instrument("dji")
    with pytest.raises(UnknownInstrumentError) as err:
        reg.instrument("dow")
    assert "'dji'" in str(err.value) and "Known keys" in str(err.value)
    with pytest.raises(UnknownInstrumentError) as err:
        reg.instrument("sp5000")
    assert "'sp500'" in str(err.value)


def test_edition_lookup(reg: Registry) -> None:
    assert reg.edition(" CA ") is reg.edition("ca")
    with pytest.raises(UnknownEditionError) as err:
        reg.edition("fr")
    assert "au, ca, eu, hk, in, jp, uk, us" in str(err.value)


def test_strip_pairs_instruments(reg: Registry) -> None:
    pairs = reg.strip("ca")
    assert [(i.key, shown) for i, shown in pairs] == CA_STRIP
    assert pairs[3][0].decimals == 4


def test_user_editions_add_and_override(reg: Registry) -> None:
    user = reg.with_user_editions(
        {
            "editions": {
                "nz": {
                    "label": "New Zealand",
                    "calendar": "XNZE",
                    "strip": [["sp500", "S&P 500"], "audusd", {"key": "gold", "name": "Gold"}],
                },
                "CA": {"strip": [{"key": "tsx", "name": "TSX"}]},
            }
        }
    )
    nz = user.edition("nz")
    assert nz == Edition(
        "nz", "New Zealand", "XNZE", (("sp500", "S&P 500"), ("audusd", "AUD/USD"), ("gold", "Gold"))
    )
    ca = user.edition("ca")
    assert (ca.label, ca.calendar, ca.strip) == ("Canada", "XTSE", (("tsx", "TSX"),))
    # The bundled registry is untouched.
    assert list(reg.edition("ca").strip) == CA_STRIP
    with pytest.raises(UnknownEditionError):
        reg.edition("nz")


def test_user_editions_without_wrapper_table(reg: Registry) -> None:
    user = reg.with_user_editions({"x": {"label": "X", "calendar": "XNYS", "strip": ["dji"]}})
    assert user.edition("x").strip == (("dji", "Dow Jones Industrial Average"),)


@pytest.mark.parametrize(
    ("mapping", "error"),
    [
        ({"x": {"label": "X", "calendar": "XNYS", "strip": ["nope"]}}, UnknownInstrumentError),
        ({"x": {"calendar": "XNYS", "strip": []}}, InputError),
        ({"x": {"label": "X", "calendar": "XNYS", "strip": "dji"}}, InputError),
        ({"x": {"label": "X", "calendar": "XNYS", "strip": [1]}}, InputError),
        ({"x": "not a table"}, InputError),
        ({"editions": ["x"]}, InputError),
        (
            {"x": {"label": "X", "calendar": "XNYS", "strip": [["dji", "A"], ["sp500", "a"]]}},
            InputError,
        ),
    ],
)
def test_user_editions_are_validated(
    reg: Registry, mapping: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        reg.with_user_editions(mapping)


def test_conflicting_aliases_are_refused() -> None:
    instruments = """
[instruments.a]
name = "Alpha"
kind = "index"
calendar = "XNYS"
decimals = 2
aliases = ["Shared"]

[instruments.b]
name = "Beta"
kind = "index"
calendar = "XNYS"
decimals = 2
aliases = ["shared!"]
"""
    with pytest.raises(InputError, match="shared"):
        Registry.from_toml(instruments, "")


@pytest.mark.parametrize(
    "body",
    [
        'name = "A"\nkind = "stock"\ncalendar = "XNYS"\ndecimals = 2',
        'name = "A"\nkind = "index"\ncalendar = "XNYS"\ndecimals = "2"',
        'name = "A"\nkind = "index"\ndecimals = 2',
        'kind = "index"\ncalendar = "XNYS"\ndecimals = 2',
        'name = "A"\nkind = "index"\ncalendar = "XNYS"\ndecimals = 2\naliases = "x"',
        'name = "A"\nkind = "index"\ncalendar = "XNYS"\ndecimals = 2\nsymbols = { yahoo = 1 }',
    ],
)
def test_malformed_instruments_are_refused(body: str) -> None:
    with pytest.raises(InputError):
        Registry.from_toml(f"[instruments.a]\n{body}\n", "")


def test_unparseable_toml() -> None:
    with pytest.raises(InputError, match="cannot be parsed"):
        Registry.from_toml("[instruments", "")
