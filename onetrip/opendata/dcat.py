"""The open-data catalogue as DCAT-AP 3 (rdflib), for harvesters: /opendata/catalog.ttl and
/opendata/catalog.jsonld. Every resource used as an object is typed explicitly (agents,
contact points, concepts, formats, licences), as the DCAT-AP SHACL range shapes require."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from . import selectors, vocab

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
LICENCE_URL = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"


def _concept(graph: Graph, uri: str, label: str) -> URIRef:
    node = URIRef(uri)
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.prefLabel, Literal(label)))
    return node


def _agent(graph: Graph, uri: str, name: str) -> URIRef:
    node = URIRef(uri)
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, FOAF.name, Literal(name, lang="zh")))
    kind = _concept(graph, ADMS_PUBLISHER_TYPE + "LocalAuthority", "Local Authority")
    graph.add((node, DCTERMS.type, kind))
    return node


def catalog_graph(request) -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("skos", SKOS)
    graph.bind("vcard", VCARD)

    def url(name, *args):
        return request.build_absolute_uri(reverse(name, args=args))

    lang = "zh"
    catalog = URIRef(url("opendata:catalog_ttl").removesuffix(".ttl"))
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(_("OneTrip open data"), lang=lang)))
    graph.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                _("Open datasets published by the departments of region %(region)s.")
                % {"region": settings.ONETRIP_REGION},
                lang=lang,
            ),
        )
    )
    region_agent = _agent(
        graph,
        url("opendata:list") + "#publisher",
        _("Region %(r)s") % {"r": settings.ONETRIP_REGION},
    )
    graph.add((catalog, DCTERMS.publisher, region_agent))
    homepage = URIRef(url("opendata:list"))
    graph.add((homepage, RDF.type, FOAF.Document))
    graph.add((catalog, FOAF.homepage, homepage))

    licence = URIRef(LICENCE_URL)
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((catalog, DCTERMS.license, licence))

    rows = selectors.public_datasets().order_by("name").iterator(chunk_size=1000)
    agents = {}
    for row in rows:
        dataset = row.dataset
        owner = dataset.owner
        node = URIRef(url("opendata:detail", row.name))
        graph.add((catalog, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.title, Literal(row.title, lang=lang)))
        graph.add((node, DCTERMS.description, Literal(row.notes or row.title, lang=lang)))
        graph.add((node, DCTERMS.identifier, Literal(dataset.code)))
        graph.add((node, DCTERMS.issued, Literal(row.metadata_created, datatype=XSD.dateTime)))
        graph.add((node, DCTERMS.modified, Literal(row.metadata_modified, datatype=XSD.dateTime)))
        landing = URIRef(url("opendata:detail", row.name))
        graph.add((node, DCAT.landingPage, landing))
        graph.add((landing, RDF.type, FOAF.Document))
        if owner.pk not in agents:
            agents[owner.pk] = _agent(
                graph, url("opendata:list") + f"?organization={row.organization}", owner.name
            )
        graph.add((node, DCTERMS.publisher, agents[owner.pk]))

        contact = BNode()
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, RDF.type, VCARD.Kind))
        graph.add((contact, VCARD.fn, Literal(owner.name, lang=lang)))
        if owner.phone:
            graph.add((contact, VCARD.hasTelephone, URIRef("tel:" + owner.phone.replace(" ", ""))))
        email = getattr(settings, "ONETRIP_OPENDATA_CONTACT_EMAIL", "")
        if email:
            graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + email)))
        graph.add((contact, VCARD.hasURL, landing))
        graph.add((node, DCAT.contactPoint, contact))

        for tag in filter(None, row.tags.split("|")):
            graph.add((node, DCAT.keyword, Literal(tag, lang=lang)))
        groups = [g for g in row.groups.split("|") if g] or ["government"]
        for group in groups:
            theme = _concept(graph, vocab.eu_theme(group), vocab.group_title(group))
            graph.add((node, DCAT.theme, theme))
        code = vocab.FREQUENCY.get(dataset.update_cycle, "IRREG")
        frequency = URIRef(vocab.EU_FREQUENCY + code)
        graph.add((frequency, RDF.type, DCTERMS.Frequency))
        graph.add((frequency, SKOS.prefLabel, Literal(code.lower(), lang="en")))
        graph.add((node, DCTERMS.accrualPeriodicity, frequency))

        for fmt, (label, mimetype, eu_type) in vocab.FORMATS.items():
            distribution = URIRef(url("opendata:detail", row.name) + f"#{fmt}")
            download = URIRef(url("opendata:download", row.name, fmt))
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCTERMS.title, Literal(f"{row.title} ({label})", lang=lang)))
            graph.add((distribution, DCAT.accessURL, download))
            graph.add((distribution, DCAT.downloadURL, download))
            file_type = URIRef(vocab.EU_FILE_TYPE + eu_type)
            graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
            graph.add((distribution, DCTERMS.format, file_type))
            media = URIRef(vocab.IANA_MEDIA + mimetype)
            graph.add((media, RDF.type, DCTERMS.MediaType))
            graph.add((media, RDF.type, DCTERMS.MediaTypeOrExtent))
            graph.add((distribution, DCAT.mediaType, media))
            graph.add((distribution, DCTERMS.license, licence))
            graph.add(
                (
                    distribution,
                    DCTERMS.modified,
                    Literal(row.metadata_modified, datatype=XSD.dateTime),
                )
            )
    return graph
