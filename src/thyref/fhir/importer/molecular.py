"""Reading genomic variants (mCODE GenomicVariant) as a case's molecular results."""

from __future__ import annotations

import re
from typing import Any

from thyref.domain.case import (
    normalise_alteration,
)
from thyref.fhir import codes as c
from thyref.fhir.importer.values import (
    Json,
    _code_in,
    _codings,
    _components,
    _extension,
    _has_code,
    _said,
    _value_said,
)


def _gene_symbol(concept: Any) -> str | None:
    for coding in _codings(concept):
        code = coding.get("code")
        if coding.get("system") == c.HGNC and isinstance(code, str):
            if code in c.GENE_OF_HGNC:
                return c.GENE_OF_HGNC[code]
            if code.isascii() and code.isdigit() and f"HGNC:{code}" in c.GENE_OF_HGNC:
                return c.GENE_OF_HGNC[f"HGNC:{code}"]
        display = coding.get("display")
        if isinstance(display, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", display):
            return display.upper()
    text = concept.get("text") if isinstance(concept, dict) else None
    if isinstance(text, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", text):
        return text.upper()
    return None


_REFSEQ = re.compile(r"^[A-Z]{2}_\d+(\.\d+)?:")


def _protein_change(value: Any) -> str | None:
    """A 48005-3 value: the HGVS code (else the text) without its reference sequence
    (``NP_004324.2:p.Val600Glu`` -> ``V600E``); the sender's text when it says the same."""
    raw = next((x.get("code") for x in _codings(value) if x.get("code")), None)
    text = value.get("text") if isinstance(value, dict) else None
    raw = raw or text
    if not isinstance(raw, str) or not raw.strip():
        return None
    change = normalise_alteration(_REFSEQ.sub("", raw.strip()))
    if isinstance(text, str) and normalise_alteration(_REFSEQ.sub("", text.strip())) == change:
        return text if _REFSEQ.match(text.strip()) is None else change
    return change


# a component the variant reader did not use: (its index, the part it would have given
# -- gene, alteration, kind, dna (a DNA change, never read) or "" --, its code and its
# value as sent)
Unread = list[tuple[int, str, str, str]]


def variant_of(res: Json, unread: Unread | None = None) -> Json | None:
    """gene, alteration, kind and origin of a GenomicVariant (without date and sample).

    ``unread`` (when given) receives each component that said nothing the reader could use.
    """
    genes: list[str] = []
    change: str | None = None
    kind: str | None = None
    origin: str | None = None
    left: Unread = []
    for index, comp in enumerate(_components(res)):
        code = comp.get("code")
        value = comp.get("valueCodeableConcept")
        part = ""
        if _has_code(code, c.LOINC, c.GENE_STUDIED):
            symbol, part = _gene_symbol(value), "gene"
            if symbol and symbol not in genes:
                genes.append(symbol)
            if symbol:
                continue
        elif _has_code(code, c.LOINC, c.PROTEIN_CHANGE):
            read, part = _protein_change(value), "alteration"
            if read is not None:
                change = read
                continue
        elif _has_code(code, c.LOINC, c.DNA_CHANGE_TYPE):
            so = _code_in(value, c.SEQUENCE_ONTOLOGY)
            kinds = [c.KIND_OF_SO[x] for x in so if x in c.KIND_OF_SO]
            part = "kind"
            if kinds:
                kind = kinds[0]
                continue
        elif _has_code(code, c.LOINC, c.DNA_CHANGE):
            dna = next((x.get("code") for x in _codings(value) if x.get("code")), None)
            dna = dna or (value.get("text") if isinstance(value, dict) else None)
            left.append((index, "dna", _said(code), str(dna) if dna else _value_said(comp)))
            continue
        elif _has_code(code, c.LOINC, c.GENOMIC_SOURCE):
            origins = [c.ORIGIN_LOINC[x] for x in _code_in(value, c.LOINC) if x in c.ORIGIN_LOINC]
            if origins:
                origin = origins[0]
                continue
        left.append((index, part, _said(code), _value_said(comp)))
    if not genes:
        return None
    # a fusion reads 5' partner first, in the order of the components
    found: Json = {"gene": next((g for g in c.FUSION_DRIVERS if g in genes), genes[0])}
    if len(genes) == 1:
        found["gene"] = genes[0]
    elif change is None:
        change = "::".join(genes)
        kind = kind or "fusion"
    gene_ext = _extension(res, "gene")
    if gene_ext is not None and isinstance(gene_ext.get("valueString"), str):
        found["gene"] = gene_ext["valueString"]
    alteration = _extension(res, "alteration")
    if alteration is not None and "valueString" in alteration:
        change = alteration["valueString"]
    if change is not None:
        found["alteration"] = change
    kind_ext = _extension(res, "variant-kind")
    if kind_ext is not None and isinstance(kind_ext.get("valueCode"), str):
        kind = kind_ext["valueCode"]
    if kind is not None:
        found["kind"] = kind
    if origin is not None:
        found["origin"] = origin
    if unread is not None:
        # a part an extension of thyref gives is read there
        given = {"gene": gene_ext, "alteration": alteration, "kind": kind_ext}
        unread.extend(x for x in left if given.get(x[1]) is None)
    return found
