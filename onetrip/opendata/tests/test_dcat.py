"""The DCAT-AP 3 catalogue, validated with pyshacl against the DCAT-AP 3.0.1 shapes and
range shapes in ../shared/standards (never their imports: those fetch vocabularies)."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib import namespace as ns  # not its names: pytest would probe them as tests

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
STANDARDS = REPO.parent / "shared" / "standards" / "dcat-ap-3.0.1"
SH = Namespace("http://www.w3.org/ns/shacl#")


def shapes() -> Graph:
    graph = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        graph.parse(STANDARDS / name, format="turtle")
    return graph


def report(data: Graph) -> tuple[bool, list[tuple[str, str, str]]]:
    conforms, results, _text = validate(data, shacl_graph=shapes(), inference="none")
    problems = [
        (
            str(results.value(r, SH.resultSeverity)),
            str(r_path),
            str(results.value(r, SH.resultMessage)),
        )
        for r in results.subjects(RDF.type, SH.ValidationResult)
        for r_path in [results.value(r, SH.resultPath)]
    ]
    return conforms, problems


@pytest.mark.parametrize(
    "path, fmt", [("/opendata/catalog.ttl", "turtle"), ("/opendata/catalog.jsonld", "json-ld")]
)
def test_catalogue_conforms_to_dcat_ap_3(client, catalogue, path, fmt):
    assert (STANDARDS / "shapes.ttl").exists(), STANDARDS
    response = client.get(path)
    assert response.status_code == 200
    graph = Graph().parse(data=response.content.decode(), format=fmt)

    conforms, problems = report(graph)
    assert conforms, problems
    assert problems == []  # no warnings or infos either

    catalog = next(graph.subjects(RDF.type, ns.DCAT.Catalog))
    datasets = set(graph.objects(catalog, ns.DCAT.dataset))
    assert len(datasets) == 3
    air = URIRef("http://testserver/opendata/dataset/sthj-air/")
    assert air in datasets
    assert str(graph.value(air, ns.DCTERMS.identifier)) == "STHJ-AIR"
    # Recommended properties are filled.
    for prop in (
        ns.DCAT.contactPoint,
        ns.DCAT.distribution,
        ns.DCAT.keyword,
        ns.DCTERMS.publisher,
        ns.DCAT.theme,
    ):
        assert graph.value(air, prop) is not None, prop
    themes = set(graph.objects(air, ns.DCAT.theme))
    assert themes == {
        URIRef("http://publications.europa.eu/resource/authority/data-theme/ENVI"),
        URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL"),
    }
    assert all((t, RDF.type, ns.SKOS.Concept) in graph for t in themes)
    assert graph.value(air, ns.DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/DAILY"
    )
    publisher = graph.value(air, ns.DCTERMS.publisher)
    assert (publisher, RDF.type, ns.FOAF.Agent) in graph
    assert str(graph.value(publisher, ns.FOAF.name)) == "嘉兴市生态环境局海盐分局"
    formats = {graph.value(d, ns.DCTERMS.format) for d in graph.objects(air, ns.DCAT.distribution)}
    assert formats == {
        URIRef(f"http://publications.europa.eu/resource/authority/file-type/{f}")
        for f in ("CSV", "JSON", "XLSX")
    }
    downloads = {
        str(graph.value(d, ns.DCAT.downloadURL)) for d in graph.objects(air, ns.DCAT.distribution)
    }
    assert "http://testserver/opendata/dataset/sthj-air/download.csv" in downloads
    shops = URIRef("http://testserver/opendata/dataset/scjg-gtgsh/")
    contact = graph.value(shops, ns.DCAT.contactPoint)
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    assert graph.value(contact, vcard.hasTelephone) == URIRef("tel:0573-86012345")


def test_a_broken_catalogue_is_caught_by_the_shapes(client, catalogue):
    """The validation can fail: a dataset without a title or a typed publisher is refused."""
    graph = Graph().parse(
        data=client.get("/opendata/catalog.ttl").content.decode(), format="turtle"
    )
    air = URIRef("http://testserver/opendata/dataset/sthj-air/")
    graph.remove((air, ns.DCTERMS.title, None))
    publisher = graph.value(air, ns.DCTERMS.publisher)
    graph.remove((publisher, RDF.type, ns.FOAF.Agent))
    conforms, problems = report(graph)
    assert not conforms
    paths = {p for _s, p, _m in problems}
    assert str(ns.DCTERMS.title) in paths and str(ns.DCTERMS.publisher) in paths
