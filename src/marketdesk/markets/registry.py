"""The instrument registry and the editions, loaded from the bundled TOML files.

Instruments are the markets marketdesk knows (``data/instruments.toml``); editions are home markets
with a banner label, a calendar and a ticker strip (``data/editions.toml``). Users may add or
override editions from their configuration with :meth:`Registry.with_user_editions`.

Name matching ignores case, spacing and punctuation, so "S&P/TSX", "S&P TSX" and "s&p-tsx" are the
same name. Names resolve in this order: the edition's own strip names (when an edition is given),
then keys, display names and aliases, then provider symbols, then any edition's strip name.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from marketdesk.errors import InputError, UnknownEditionError, UnknownInstrumentError
from marketdesk.model import Instrument, InstrumentKind

__all__ = ["Edition", "Registry", "normalize_name"]


@dataclass(frozen=True, slots=True)
class Edition:
    """A home market: the banner's label, its exchange calendar and its ticker strip."""

    code: str  # 'ca', 'us', ...
    label: str  # 'Canada' in "Canada markets close in 19 minutes"
    calendar: str  # exchange_calendars code of the home exchange
    strip: tuple[tuple[str, str], ...]  # (instrument key, name the edition prints), in order


def normalize_name(text: str) -> str:
    """The matching form of a name: NFKC, case-folded, letters and digits only.

    Punctuation and spacing carry no meaning in ticker names ("S&P/TSX" = "S&P TSX"), so they are
    dropped rather than interpreted.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


class Registry:
    """Instruments and editions. Immutable; share one instance freely."""

    __slots__ = (
        "_by_symbol",
        "_edition_names",
        "_editions",
        "_fallback_names",
        "_instruments",
        "_names",
        "_symbol_names",
    )

    def __init__(self, instruments: Iterable[Instrument], editions: Iterable[Edition]) -> None:
        self._instruments: dict[str, Instrument] = {}
        for inst in instruments:
            if inst.key in self._instruments:
                raise InputError(f"instrument {inst.key!r} is defined twice")
            self._instruments[inst.key] = inst
        self._build_instrument_indexes()
        self._editions: dict[str, Edition] = {}
        for ed in editions:
            if ed.code in self._editions:
                raise InputError(f"edition {ed.code!r} is defined twice")
            for key, _ in ed.strip:
                if key not in self._instruments:
                    raise UnknownInstrumentError(
                        f"edition {ed.code!r} lists unknown instrument {key!r}" + self._suggest(key)
                    )
            # A strip entry without a name prints the instrument's own name.
            strip = tuple((k, shown or self._instruments[k].name) for k, shown in ed.strip)
            if strip != ed.strip:
                ed = Edition(ed.code, ed.label, ed.calendar, strip)
            self._editions[ed.code] = ed
        self._build_edition_indexes()

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> Registry:
        """The registry shipped with marketdesk (loaded once per process)."""
        return _bundled()

    @classmethod
    def from_toml(cls, instruments_toml: str, editions_toml: str) -> Registry:
        """Build a registry from the text of an instruments file and an editions file."""
        try:
            inst_doc = tomllib.loads(instruments_toml)
            ed_doc = tomllib.loads(editions_toml)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"registry TOML cannot be parsed: {exc}") from exc
        instruments = _parse_instruments(inst_doc)
        editions = _parse_editions(_editions_table(ed_doc), {})
        return cls(instruments, editions)

    def with_user_editions(self, mapping: Mapping[str, Any]) -> Registry:
        """A new registry with the user's editions added, or replacing bundled ones.

        ``mapping`` is shaped like editions.toml: ``{"editions": {code: {...}}}`` or just
        ``{code: {...}}``. An entry for an existing code may give only the fields it changes.
        Strip entries are ``{key=..., name=...}`` tables, ``[key, name]`` pairs or bare keys
        (printed under the instrument's own name).
        """
        table = _editions_table(mapping)
        new = _parse_editions(table, self._editions)
        merged = dict(self._editions)
        for ed in new:
            merged[ed.code] = ed
        return Registry(self._instruments.values(), merged.values())

    def _build_instrument_indexes(self) -> None:
        # Keys, names and aliases must be unambiguous: a clash is a data error worth failing on.
        names: dict[str, str] = {}
        for inst in self._instruments.values():
            for text in (inst.key, inst.name, *inst.aliases):
                norm = normalize_name(text)
                if not norm:
                    continue
                other = names.setdefault(norm, inst.key)
                if other != inst.key:
                    raise InputError(
                        f"name {text!r} matches both instrument {other!r} and {inst.key!r}"
                    )
        # Symbols and other editions' strip names are weaker evidence: ambiguous ones are dropped.
        symbol_names: dict[str, str | None] = {}
        by_symbol: dict[tuple[str, str], str] = {}
        for inst in self._instruments.values():
            for provider, symbol in inst.symbols:
                by_symbol[(provider.casefold(), symbol.casefold())] = inst.key
                norm = normalize_name(symbol)
                if norm and norm not in names:
                    _add_weak(symbol_names, norm, inst.key)
        self._names = names
        self._symbol_names = symbol_names
        self._by_symbol = by_symbol

    def _build_edition_indexes(self) -> None:
        names, symbol_names = self._names, self._symbol_names
        edition_names: dict[str, dict[str, str]] = {}
        fallback: dict[str, str | None] = {}
        for ed in self._editions.values():
            local: dict[str, str] = {}
            for key, shown in ed.strip:
                norm = normalize_name(shown)
                if not norm:
                    continue
                other = local.setdefault(norm, key)
                if other != key:
                    raise InputError(
                        f"edition {ed.code!r}: name {shown!r} is used for {other!r} and {key!r}"
                    )
                if norm not in names and norm not in symbol_names:
                    _add_weak(fallback, norm, key)
            edition_names[ed.code] = local
        self._edition_names = edition_names
        self._fallback_names = fallback

    # -- queries ----------------------------------------------------------------------------------

    def instrument(self, key: str) -> Instrument:
        """The instrument with this key; UnknownInstrumentError (with suggestions) otherwise."""
        inst = self._instruments.get(key) or self._instruments.get(key.strip().lower())
        if inst is None:
            raise UnknownInstrumentError(f"unknown instrument {key!r}" + self._suggest(key))
        return inst

    def find(self, key: str) -> Instrument | None:
        """The instrument with exactly this key, or None."""
        return self._instruments.get(key)

    def resolve(self, name: str, edition: str | None = None) -> Instrument | None:
        """The instrument a printed name means, or None when no instrument matches.

        With ``edition``, that edition's strip names win (so "Gold" on the U.S. strip is the gold
        future, while plain "Gold" is spot gold). An unknown edition raises UnknownEditionError.
        """
        norm = normalize_name(name)
        if not norm:
            return None
        if edition is not None:
            ed = self.edition(edition)
            key = self._edition_names[ed.code].get(norm)
            if key is not None:
                return self._instruments[key]
        key = (
            self._names.get(norm) or self._symbol_names.get(norm) or self._fallback_names.get(norm)
        )
        return self._instruments[key] if key is not None else None

    def by_symbol(self, provider: str, symbol: str) -> Instrument | None:
        """The instrument a provider's symbol stands for (exact symbol, any case)."""
        key = self._by_symbol.get((provider.casefold(), symbol.strip().casefold()))
        return self._instruments[key] if key is not None else None

    def edition(self, code: str) -> Edition:
        """The edition with this code (any case); UnknownEditionError listing valid codes."""
        ed = self._editions.get(code) or self._editions.get(code.strip().lower())
        if ed is None:
            valid = ", ".join(sorted(self._editions))
            raise UnknownEditionError(f"unknown edition {code!r}; valid editions: {valid}")
        return ed

    def editions(self) -> tuple[Edition, ...]:
        """All editions, in definition order."""
        return tuple(self._editions.values())

    def instruments(self) -> tuple[Instrument, ...]:
        """All instruments, in definition order."""
        return tuple(self._instruments.values())

    def strip(self, code: str) -> tuple[tuple[Instrument, str], ...]:
        """An edition's strip as (instrument, printed name) pairs, in order."""
        return tuple((self._instruments[key], shown) for key, shown in self.edition(code).strip)

    def _suggest(self, key: str) -> str:
        close = difflib.get_close_matches(key.strip().lower(), list(self._instruments), n=3)
        by_name = self._names.get(normalize_name(key))
        if by_name and by_name not in close:
            close.insert(0, by_name)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return f"{hint} Known keys: {', '.join(sorted(self._instruments))}"

    def __repr__(self) -> str:
        return f"Registry({len(self._instruments)} instruments, editions {list(self._editions)})"


# -- loading ---------------------------------------------------------------------------------------


@functools.cache
def _bundled() -> Registry:
    data = resources.files("marketdesk").joinpath("data")
    return Registry.from_toml(
        data.joinpath("instruments.toml").read_text(encoding="utf-8"),
        data.joinpath("editions.toml").read_text(encoding="utf-8"),
    )


def _add_weak(index: dict[str, str | None], norm: str, key: str) -> None:
    # None marks a name that two instruments claim: it then resolves to nothing.
    if norm in index and index[norm] != key:
        index[norm] = None
    else:
        index[norm] = key


def _editions_table(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    table = doc.get("editions", doc)
    if not isinstance(table, Mapping):
        raise InputError("editions must be a table of edition code -> settings")
    return table


def _parse_instruments(doc: Mapping[str, Any]) -> list[Instrument]:
    table = doc.get("instruments")
    if not isinstance(table, Mapping):
        raise InputError("instruments file has no [instruments] table")
    out = []
    for key, spec in table.items():
        where = f"instrument {key!r}"
        if not isinstance(spec, Mapping):
            raise InputError(f"{where} must be a table")
        kind_text = _str(spec, "kind", where)
        try:
            kind = InstrumentKind(kind_text)
        except ValueError:
            valid = ", ".join(k.value for k in InstrumentKind)
            raise InputError(f"{where}: kind {kind_text!r} is not one of {valid}") from None
        decimals = spec.get("decimals")
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 10:
            raise InputError(f"{where}: decimals must be an integer from 0 to 10")
        currency = spec.get("currency")
        if currency is not None and not isinstance(currency, str):
            raise InputError(f"{where}: currency must be a string")
        symbols = spec.get("symbols", {})
        if not isinstance(symbols, Mapping) or not all(
            isinstance(v, str) for v in symbols.values()
        ):
            raise InputError(f"{where}: symbols must be a table of provider = symbol")
        out.append(
            Instrument(
                key=str(key),
                name=_str(spec, "name", where),
                kind=kind,
                currency=currency,
                calendar=_str(spec, "calendar", where),
                decimals=decimals,
                aliases=_str_list(spec, "aliases", where),
                symbols=tuple((str(p), s) for p, s in symbols.items()),
            )
        )
    return out


def _parse_editions(table: Mapping[str, Any], base: Mapping[str, Edition]) -> list[Edition]:
    out = []
    for raw_code, spec in table.items():
        code = str(raw_code).strip().lower()
        where = f"edition {code!r}"
        if not code:
            raise InputError("an edition code is empty")
        if not isinstance(spec, Mapping):
            raise InputError(f"{where} must be a table")
        old = base.get(code)
        label = _str(spec, "label", where) if old is None or "label" in spec else old.label
        calendar = (
            _str(spec, "calendar", where) if old is None or "calendar" in spec else old.calendar
        )
        if old is None or "strip" in spec:
            strip = _parse_strip(spec.get("strip"), where)
        else:
            strip = old.strip
        out.append(Edition(code=code, label=label, calendar=calendar, strip=strip))
    return out


def _parse_strip(raw: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list):
        raise InputError(f"{where}: strip must be a list of instruments")
    items: list[tuple[str, str]] = []
    for entry in raw:
        if isinstance(entry, Mapping) and isinstance(entry.get("key"), str):
            key = entry["key"]
            shown = entry.get("name", "")
        elif (
            isinstance(entry, list | tuple)
            and len(entry) == 2
            and all(isinstance(x, str) for x in entry)
        ):
            key, shown = entry
        elif isinstance(entry, str):
            key, shown = entry, ""
        else:
            raise InputError(f"{where}: strip entry {entry!r} is not {{key=..., name=...}}")
        if not isinstance(shown, str):
            raise InputError(f"{where}: strip name for {key!r} must be a string")
        items.append((key, shown))
    return tuple(items)


def _str(spec: Mapping[str, Any], field: str, where: str) -> str:
    value = spec.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {field} must be a non-empty string")
    return value


def _str_list(spec: Mapping[str, Any], field: str, where: str) -> tuple[str, ...]:
    value = spec.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {field} must be a list of strings")
    return tuple(value)
