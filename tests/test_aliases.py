"""The alias table of a build (treatykg.aliases): invented IRIs."""
from treatykg import aliases

A, B, C, D = (f"https://example.org/doc/{x}" for x in "abcd")


def test_a_chain_of_renames_points_to_the_last_iri():
    table = aliases.update({}, {A: B}, live={B})
    table = aliases.update(table, {B: C}, live={C})
    assert table == {A: C, B: C}


def test_an_alias_of_a_live_document_or_to_a_gone_one_is_dropped():
    assert aliases.update({A: B}, {}, live={A, B}) == {}  # the old IRI is a document again
    assert aliases.update({A: B}, {}, live={C}) == {}  # the document is gone
    assert aliases.update({A: B, C: D}, {}, live={B}) == {A: B}


def test_a_cycle_does_not_loop():
    assert aliases.update({A: B}, {B: A}, live={A}) == {B: A}


def test_the_table_round_trips_through_its_file(tmp_path):
    table = {A: B, C: D}
    path = tmp_path / "aliases.tsv"
    path.write_bytes(aliases.to_tsv(table))
    assert aliases.load(path) == table
    assert aliases.load(tmp_path / "none.tsv") == {}
