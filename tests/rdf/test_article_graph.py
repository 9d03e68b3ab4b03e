"""PubMed records as triples: MeSH with major flags and qualifiers, chemicals, ordered
authors with ORCIDs and collectives, DataBank links to trials, and route-independent
triples (the same record gives the same triples from a file, the snapshot or Entrez)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.cli import EXIT_INPUT, main
from kg.model import SourceInfo
from kg.rdf import iris
from kg.rdf.article import article_triples, provenance_triples
from kg.rdf.namespaces import BIBO, DCTERMS, PROV, RDF, RDFS, SCHEMA, TKG
from kg.sources import pubmed
from kg.vocab import default_vocabulary

FIX = Path(__file__).resolve().parent.parent / "fixtures"


def graph_of(*articles) -> Graph:
    g = Graph()
    for a in articles:
        for triple in article_triples(a, vocab=default_vocabulary()):
            g.add(triple)
    return g


def test_mesh_headings_with_major_flags_qualifiers_and_chemicals():
    (_, flavo) = pubmed.parse_file(FIX / "entrez" / "pubmed1.xml")
    g = graph_of(flavo)
    art = iris.article("9997")
    assert (art, DCTERMS.subject, iris.mesh("D003574")) in g
    heading = iris.mesh_heading("9997", "D002844")  # Chromatium / enzymology (major)
    assert g.value(heading, TKG.descriptor) == iris.mesh("D002844")
    assert g.value(heading, TKG.majorTopic) == Literal(False, datatype=XSD.boolean)
    assert g.value(heading, TKG.majorQualifier) == iris.mesh("Q000201")
    assert str(g.value(iris.mesh("Q000201"), RDFS.label)) == "enzymology"
    major = iris.mesh_heading("9997", "D003574")
    assert g.value(major, TKG.majorTopic) == Literal(True, datatype=XSD.boolean)
    assert (art, TKG.chemical, iris.mesh("D006418")) in g
    assert str(g.value(iris.mesh("D006418"), TKG.registryNumber)) == "42VZT0U6YR"
    assert str(g.value(art, BIBO.doi)) == "10.1016/0005-2795(76)90109-4"
    assert g.value(art, DCTERMS.issued) == Literal("1976-09-28", datatype=XSD.date)
    journal = g.value(art, SCHEMA.isPartOf)
    assert str(g.value(journal, SCHEMA.name)) == "Biochim Biophys Acta"
    assert str(g.value(journal, BIBO.issn)) == "0006-3002"
    assert (art, TKG.publicationType, iris.mesh("D016428")) in g


def test_authors_are_ordered_with_orcid_and_collective_names():
    articles = pubmed.parse_file(FIX / "pubmed" / "synthetic-authors.xml")
    art = articles[0]
    g = graph_of(art)
    s = iris.article(art.pmid)
    ships = sorted(g.objects(s, TKG.hasAuthorship), key=lambda n: int(g.value(n, TKG.position)))
    assert [int(g.value(n, TKG.position)) for n in ships] == list(range(1, len(ships) + 1))
    people = [g.value(n, TKG.author) for n in ships]
    assert URIRef("https://orcid.org/0000-0002-1825-0097") in people
    collective = [p for p in people if (p, RDF.type, SCHEMA.Organization) in g]
    assert collective and "Synthetic Investigators" in str(g.value(collective[0], SCHEMA.name))


def test_databank_links_become_trial_nodes_and_titles_stay_text():
    art = next(a for a in pubmed.parse_file(FIX / "pubmed" / "synthetic-edge-fields.xml")
               if a.pmid == "90000011")
    g = graph_of(art)
    s = iris.article("90000011")
    assert (s, TKG.registeredTrial, iris.trial("NCT03581786")) in g
    assert (iris.trial("NCT03581786"), RDF.type, TKG.ClinicalTrial) in g
    assert str(g.value(iris.trial("NCT03924986"), TKG.nctId)) == "NCT03924986"
    assert "<script>alert(1)</script>" in str(g.value(s, DCTERMS.title))


def test_same_record_same_triples_whichever_route():
    data = (FIX / "entrez" / "pubmed1.xml").read_bytes()
    live = pubmed.parse_bytes(data, "https://eutils.example/efetch.fcgi")
    snap = pubmed.parse_bytes(data, "data/snapshot/pubmed/9997.xml")
    for a, b in zip(live, snap, strict=True):
        assert set(article_triples(a)) == set(article_triples(b))
    info = SourceInfo("entrez-efetch", "https://eutils.example/efetch.fcgi",
                      "2026-11-24T10:00:00Z", "9997")
    prov = Graph()
    for t in provenance_triples(live[1], info):
        prov.add(t)
    activity = prov.value(iris.article("9997"), PROV.wasGeneratedBy)
    assert str(prov.value(activity, TKG.sourceKind)) == "entrez-efetch"
    assert prov.value(activity, PROV.startedAtTime) == Literal("2026-11-24T10:00:00Z",
                                                               datatype=XSD.dateTime)


def test_build_adds_local_pubmed_files(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--pubmed", str(FIX / "entrez" / "pubmed1.xml"),
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    g = Graph().parse(out / "graph.ttl")
    activity = g.value(iris.article("12091962"), PROV.wasGeneratedBy)
    assert str(g.value(activity, TKG.sourceKind)) == "pubmed-xml"
    assert str(g.value(activity, PROV.atLocation)).endswith("pubmed1.xml")
    bad = tmp_path / "truncated.xml"
    bad.write_bytes((FIX / "entrez" / "pubmed1.xml").read_bytes()[:3000])
    result = CliRunner().invoke(main, ["build", "--pubmed", str(bad), "--output",
                                       str(tmp_path / "o2")])
    assert result.exit_code == EXIT_INPUT
    assert str(bad) in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "o2").exists()


# --------------------------------------------------------------------------- issue 12


def _namesakes():
    return pubmed.parse_file(FIX / "pubmed" / "synthetic-namesakes.xml")


def _people(g, pmid):
    ships = sorted(g.objects(iris.article(pmid), TKG.hasAuthorship),
                   key=lambda s: int(g.value(s, TKG.position)))
    return [g.value(s, TKG.author) for s in ships]


def test_two_authorships_of_one_article_never_share_a_person():
    first, second = _namesakes()
    g = graph_of(first, second)
    people = _people(g, "90000101")
    assert len(people) == len(set(people)) == 8
    hu_chaosu, hu_chunhong, he_xia, he_xiaohui, wang_1, wang_2, ma, carberry = people
    assert hu_chaosu == iris.author("Hu", "C", None, None, "Chaosu")
    assert str(hu_chaosu).endswith("/author/chaosu-hu")
    assert str(hu_chunhong).endswith("/author/chunhong-hu")
    assert str(he_xia).endswith("/author/xia-he") and str(he_xiaohui).endswith("/author/xiaohui-he")
    # two "Wei Wang" on one paper: the second is a person of that authorship alone
    assert str(wang_1).endswith("/author/wei-wang")
    assert wang_2 == iris.article_person("90000101", 6)
    assert carberry == URIRef("https://orcid.org/0000-0002-1825-0097")


def test_people_are_merged_across_articles_by_orcid_or_full_name_never_by_initials():
    first, second = _namesakes()
    g = graph_of(first, second)
    one, two = _people(g, "90000101"), _people(g, "90000102")
    assert two[0] == one[0]  # Chaosu Hu, by full fore name and last name
    assert two[2] == one[7]  # the ORCID, though the second record writes only "J Carberry"
    assert two[1] != one[6]  # "Ma J" on both: initials are not evidence enough
    assert one[6] == iris.article_person("90000101", 7)
    assert two[1] == iris.article_person("90000102", 2)
    assert str(g.value(two[1], SCHEMA.name)) == "J Ma"


def test_mesh_ids_the_release_lacks_stay_text_and_headings_keep_pubmeds_names():
    first, _ = _namesakes()
    g = graph_of(first)
    art = iris.article("90000101")
    assert set(g.objects(art, DCTERMS.subject)) == {iris.mesh("D000077274")}
    absent = iris.mesh_heading("90000101", "D999999")
    assert str(g.value(absent, TKG.descriptorUI)) == "D999999"
    assert g.value(absent, TKG.descriptor) is None
    assert str(g.value(absent, TKG.descriptorName)) == "Synthetic Heading Absent From MeSH"
    assert not [t for t in g if "D999999" in str(t[0]) + str(t[2]) and isinstance(t[2], URIRef)
                and str(t[2]).startswith("http://id.nlm.nih.gov/mesh/")]
    assert (art, TKG.publicationType, iris.mesh("D016428")) in g


def test_article_mentions_keep_field_text_and_method():
    first, _ = _namesakes()
    g = graph_of(first)
    art = iris.article("90000101")
    rows = {(str(g.value(n, TKG.inField)), str(g.value(n, TKG.matchedText)),
             str(g.value(n, TKG.matchMethod))) for n in g.objects(art, TKG.hasMention)}
    assert ("title", "nasopharyngeal carcinoma", "MeSH heading (case)") in rows
    assert ("abstract", "cisplatin", "MeSH heading (case)") in rows
    assert ("abstract", "HIV infection", "MeSH entry term (case)") in rows
    assert (art, TKG.mentionsDrug, iris.drug("cisplatin")) in g
    assert (art, TKG.mentionsCondition, iris.mesh("D000077274")) in g
