"""Knowledge written from YAML strings for the journeys that need something special."""

from __future__ import annotations

import textwrap

PARAGRAPH = (
    "Absatz {n} der Hausordnung: Die Ruhezeiten gelten von 22 Uhr bis 6 Uhr. Gemeinsame "
    "Räume werden nach dem Putzplan gereinigt, der im Flur aushängt. Besuch meldet sich bei "
    "der Heimleitung an. Müll wird getrennt, die Tonnen stehen hinter dem Haus. Bei Fragen "
    "hilft die Sozialbetreuung vor Ort weiter."
)
LONG_TEXT = "\n\n".join(PARAGRAPH.format(n=n) for n in range(1, 25))

MANY = 11  # entries in one category: more than one page of 8 in /themen


def _yaml_block(text: str, indent: int) -> str:
    return textwrap.indent(text, " " * indent).lstrip()


# Added to tests/conftest.py's MINIMAL: a category with many entries, a very long entry and
# one full of the characters that HTML parse mode treats specially.
CUSTOM = {
    "extra.yaml": textwrap.dedent(
        """\
        categories:
          - id: merkblaetter
            label: Merkblätter
          - id: kosten
            label: Kosten <Zuschüsse> & Beihilfen
        entries:
        """
    )
    + "".join(
        textwrap.dedent(
            f"""\
              - id: merkblatt-{n:02d}
                title: Merkblatt Nummer {n:02d}
                category: merkblaetter
                text: Inhalt des Merkblatts {n:02d}.
            """
        )
        for n in range(1, MANY + 1)
    )
    + textwrap.dedent(
        """\
          - id: hausordnung
            title: Hausordnung der Gemeinschaftsunterkunft
            category: behoerden
            keywords: [Hausordnung]
            related: [migrationsamt]
            text: |
              {text}
          - id: zuschuss
            title: Kosten <Pauschale> & Zuschuss
            category: kosten
            keywords: [Zuschuss]
            text: >-
              Gilt, wenn der Betrag < 50 Euro & die Frist > 2 Wochen ist.
              <b>nicht fett</b>, &amp; bleibt so.
            steps:
              - "Antrag <A> ausfüllen & abgeben"
              - "Bescheid > 3 Seiten prüfen"
            contacts:
              - name: "Kasse <Nord> & Süd"
                role: "Team <Finanzen> & Co"
                phone: "0781 805 1660"
                email: "kasse&nord@example.org"
                address: "Hauptstraße 1 <Hinterhaus> & Hof, 77654 Offenburg"
            source: "Rundschreiben <intern> & Merkblatt"
        """
    ).replace("{text}", _yaml_block(LONG_TEXT, 6)),
}


# Added to a copy of the shipped knowledge: entries with owners, for the staleness report
# (the shipped entries have none). The clock of those journeys is 2026-11-26.
OWNED = {
    "zustaendigkeiten.yaml": textwrap.dedent(
        """\
        # Entries owned by teams (test data).
        entries:
          - id: sprachkurs-kinzigtal
            title: Sprachkurse im Kinzigtal
            category: behoerden
            keywords: [sprachkurs kinzigtal, deutschkurs kinzigtal]
            text: Die Volkshochschule Kinzigtal bietet Integrationskurse an.
            owner: Team Kinzigtal

          - id: sprachkurs-lahr
            title: Sprachkurse in Lahr
            category: behoerden
            keywords: [sprachkurs lahr, deutschkurs lahr]
            text: Die Volkshochschule Lahr bietet Integrationskurse an.
            owner: Team Lahr Umland
            verified: 2025-01-10

          - id: kita-lahr
            title: Kita-Plätze in Lahr
            category: behoerden
            keywords: [kita lahr, kindergarten lahr]
            text: Kita-Plätze vergibt die Stadt Lahr.
            owner: Team Lahr Umland
            verified: 2026-11-02
        """
    )
}
