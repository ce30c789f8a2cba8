"""Every German text the users see, in one place.

Code elsewhere never writes user-facing German itself; it picks a text here. Texts that go to
Telegram are HTML (parse mode HTML); values from the knowledge or from users are escaped by
the caller before they are inserted.
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")

# -- emergencies --------------------------------------------------------------------------
EMERGENCY_LINES = (
    "🚨 <b>Bei Gefahr sofort anrufen:</b>\n<b>110</b> Polizei · <b>112</b> Rettungsdienst/Feuerwehr"
)
EMERGENCY_SHORT = "Bei Gefahr: <b>110</b> Polizei · <b>112</b> Rettungsdienst/Feuerwehr"

# -- answers -------------------------------------------------------------------------------
PLACE_FROM_QUESTION = "📍 Für {place}"
PLACE_FROM_DEFAULT = "📍 Für {place} (dein Ort, ändern mit /ort)"
STEPS_HEADING = "<b>So gehst du vor:</b>"
CONTACTS_HEADING = "<b>Kontakt:</b>"
PHONE = "☎️ {phone}"
EMAIL = "✉️ {email}"
ADDRESS = "🏠 {address}"
OPEN_NOW_UNTIL = "🟢 jetzt geöffnet, bis {when}"
OPEN_NOW = "🟢 jetzt geöffnet (rund um die Uhr)"
CLOSED_NOW_OPENS = "🔴 jetzt geschlossen, öffnet {when}"
CLOSED_NOW = "🔴 jetzt geschlossen"
UNKNOWN_NOW = "⚪ Öffnungszeit unklar ({hours})"
HOLIDAY_NOTE = " (heute Feiertag: {name})"
AFTER_HOURS = "Außerhalb der Öffnungszeit: {title}"
AFTER_HOURS_BUTTON = "🌙 {title}"
VERIFIED = "✅ geprüft am {date}"
NEVER_VERIFIED = "⚠️ Diese Angaben wurden noch nie geprüft. Im Zweifel über die Zentrale nachfragen."
STALE = "⚠️ Zuletzt geprüft am {date}, vor über {days} Tagen. Bitte gegenprüfen."
SOURCE = "Quelle: {source}"
RELATED_BUTTON = "➡️ {title}"
FEEDBACK_UP = "👍"
FEEDBACK_DOWN = "👎"
FEEDBACK_THANKS = "Danke für die Rückmeldung!"
ESCALATE_BUTTON = "🚨 Eskalation melden"

CHOOSE = "Meinst du …?"
NAME_THE_PLACE = (
    "Tipp: Nenn den Ort, dann bekommst du die zuständige Stelle, z. B. »polizei hausach«. "
    "Mit /ort legst du deinen Ort fest."
)
NOTHING_FOUND = (
    "Dazu habe ich nichts gefunden.\n\n"
    + EMERGENCY_SHORT
    + "\n\nAlle Themen findest du unter /themen. Deine Frage habe ich für die Teamleitungen "
    "notiert, damit das Wissen ergänzt werden kann."
)
NOTHING_FOUND_CONSOLE = "Dazu habe ich nichts gefunden."
PLACE_OVERVIEW = "Zu {place} habe ich diese Einträge:"

# -- browsing ------------------------------------------------------------------------------
TOPICS = "<b>Themen</b>: Wähle einen Bereich."
TOPIC = "<b>{label}</b>: Wähle einen Eintrag."
BACK = "⬅️ Zurück"
NEXT_PAGE = "Weiter ➡️"
PREVIOUS_PAGE = "⬅️ Vorherige"
EMERGENCY_MENU = EMERGENCY_LINES + "\n\n<b>Notfall</b>: Was ist passiert?"
EMERGENCY_OWN_POLICE = "👮 {title}"
OUTDATED_BUTTON = "Dieser Knopf ist veraltet. Bitte stell die Frage neu."

# -- console -------------------------------------------------------------------------------
CONSOLE_WELCOME = (
    "caseworker-bot: Konsole (Wissensstand {version}, {entries} Einträge).\n"
    "Frag einfach, z. B. »polizei hausach« oder »klient suizid was tun«.\n"
    "Befehle: /themen, /notfall, /ort ORT, /zeit JJJJ-MM-TTTHH:MM, /hilfe, /ende. "
    "Zahlen wählen einen Knopf."
)
CONSOLE_BYE = "Auf Wiedersehen."
CONSOLE_PLACE_SET = "Dein Ort ist jetzt {place}."
CONSOLE_PLACE_UNKNOWN = "Den Ort »{place}« kenne ich nicht."
CONSOLE_PLACE_CLEARED = "Dein Ort ist nicht mehr gesetzt."
CONSOLE_TIME_SET = "Uhrzeit für Antworten: {when}."
CONSOLE_TIME_INVALID = "Die Zeit verstehe ich nicht. Beispiel: /zeit 2026-11-28T22:00"
CONSOLE_NO_SUCH_BUTTON = "Diesen Knopf gibt es nicht."
CONSOLE_NO_TOKEN = (
    "Kein TELEGRAM_BOT_TOKEN gesetzt: Token bei @BotFather mit /newbot holen und in .env "
    "eintragen (siehe .env.example). Bis dahin startet die lokale Konsole."
)
RUN_NO_TOKEN = (
    "Kein TELEGRAM_BOT_TOKEN gesetzt: Token bei @BotFather mit /newbot holen und in .env "
    "eintragen (siehe .env.example)."
)


# -- access and onboarding ----------------------------------------------------------------
NOT_REGISTERED = (
    "Dieser Bot ist nur für das Integrationsmanagement des Ortenaukreises. Bitte lass dir "
    "von deiner Teamleitung einen Einladungslink geben."
)
INVITE_UNKNOWN = (
    "Dieser Einladungslink ist ungültig. Bitte frag deine Teamleitung nach einem neuen."
)
INVITE_USED = (
    "Dieser Einladungslink wurde schon benutzt. Bitte frag deine Teamleitung nach einem neuen."
)
INVITE_EXPIRED = (
    "Dieser Einladungslink ist abgelaufen (gültig 72 Stunden). Bitte frag deine Teamleitung "
    "nach einem neuen."
)
INVITE_TOO_MANY = "Zu viele ungültige Versuche. Bitte versuch es in einer Stunde noch einmal."
WELCOME = "Willkommen, {name}! Du bist als {role} registriert."
TOUR = (
    "<b>So funktioniert der Bot</b>\n\n"
    "• Schreib deine Frage in ein paar Worten, z. B. »polizei hausach« oder "
    "»klient suizid was tun«. Tippfehler sind kein Problem.\n"
    "• Nenn den Ort, dann bekommst du die zuständige Stelle dort. Mit /ort legst du deinen "
    "Ort fest.\n"
    "• /notfall zeigt die wichtigsten Notfallkontakte mit einem Tipp.\n"
    "• /themen zeigt alles Wissen nach Bereichen.\n"
    "• Antworten kommen nur aus dem geprüften Wissen der Teams, nie ausgedacht. Bei Gefahr "
    "immer zuerst <b>110</b> oder <b>112</b>.\n"
    "• Schreib keine Namen oder andere persönliche Daten von Klientinnen und Klienten in den "
    "Bot."
)
ROLE_NAMES = {"caseworker": "Integrationsmanager:in", "lead": "Teamleitung", "admin": "Admin"}
# /hilfe is put together from the command table (bot/commands.py): a heading per role, then
# one HELP_LINE for each command that has a text in COMMAND_HELP.
HELP_HEADING = "\n\n<b>Befehle</b>"
HELP_HEADING_LEAD = "\n\n<b>Für Teamleitungen</b>"
HELP_HEADING_ADMIN = "\n\n<b>Für Admins</b>"
HELP_LINE = "/{command} – {text}"
HELP_UPLOAD = "YAML-Datei als Dokument schicken – wird geprüft und zur Übernahme angezeigt"
VERSION = (
    "<b>Version</b>\n"
    "Programm: {commit}\n"
    "Wissensstand: {knowledge} ({entries} Einträge)\n"
    "Letzte Änderung im Bot: {revision}"
)
VERSION_UNKNOWN = "unbekannt"
VERSION_REVISION = "Revision #{id}"
VERSION_NONE = "keine"
START_REGISTERED = "Du bist schon registriert. /hilfe zeigt, was der Bot kann."
LEADS_ONLY = "Das dürfen nur Teamleitungen."
ADMINS_ONLY = "Das dürfen nur Admins."

# Command menu descriptions (Telegram shows these in the / menu), by command.
COMMAND_MENU = {
    "notfall": "Notfallkontakte, ein Tipp",
    "karte": "Notfallkarte in der Sprache der Person",
    "themen": "Wissen nach Bereichen",
    "ort": "Deinen Ort festlegen",
    "hilfe": "Was der Bot kann",
    "eskalation": "Akute Situation melden",
    "eskalationen": "Offene Eskalationen",
    "abbrechen": "Laufende Eingabe abbrechen",
    "einladen": "Teamleitung: Einladungslink erzeugen",
    "export": "Teamleitung: Eskalationen als CSV",
    "bearbeiten": "Teamleitung: Eintrag ändern",
    "bestaetigen": "Teamleitung: Eintrag als geprüft markieren",
    "luecken": "Teamleitung: Fragen ohne Antwort",
    "veraltet": "Teamleitung: ungeprüfte Einträge",
    "wissen": "Teamleitung: Wissensdateien",
    "verlauf": "Teamleitung: letzte Änderungen",
    "zuruecksetzen": "Teamleitung: Änderung zurücknehmen",
    "neuladen": "Teamleitung: Wissen neu laden",
    "statistik": "Teamleitung: Statistik der Eskalationen",
    "nutzer": "Teamleitung: registrierte Personen",
    "entfernen": "Teamleitung: Person entfernen",
    "version": "Admin: laufende Version und Wissensstand",
}
# The line of each command in /hilfe (commands without one are not listed there).
COMMAND_HELP = {
    "themen": "Wissen nach Bereichen",
    "notfall": "Notfallkontakte",
    "karte": "Notfallkarte in der Sprache der Person",
    "ort": "deinen Ort festlegen",
    "hilfe": "diese Hilfe",
    "einladen": "Einladungslink erzeugen",
    "nutzer": "registrierte Personen",
    "entfernen": "eine Person entfernen",
    "eskalationen": "offene Eskalationen",
    "export": "Eskalationen als CSV",
    "statistik": "Statistik der Eskalationen",
    "bearbeiten": "Wissen ändern",
    "bestaetigen": "Eintrag als geprüft markieren",
    "luecken": "was fehlt",
    "veraltet": "was alt ist",
    "wissen": "Wissensdateien",
    "verlauf": "letzte Änderungen",
    "zuruecksetzen": "Änderung zurücknehmen",
    "neuladen": "Wissen neu laden",
    "version": "laufende Version und Wissensstand",
}

# -- invitations and users -------------------------------------------------------------------
INVITE_CHOOSE_ROLE = "Für wen ist die Einladung?"
INVITE_CREATED = (
    "Einladung als {role}, gültig bis {until}, nur einmal nutzbar:\n{link}\n\n"
    "Schick den Link nur an die Person, die ihn braucht."
)
INVITE_ROLE_NOT_ALLOWED = "Diese Rolle darfst du nicht vergeben."
USERS_HEADING = "<b>Registrierte Personen ({count})</b>"
USER_LINE = "• {name} – {role} – ID {user_id} – zuletzt aktiv: {seen}"
USER_NEVER_SEEN = "noch nie"
REMOVE_USAGE = "So entfernst du eine Person: /entfernen ID (die ID zeigt /nutzer)."
REMOVE_DONE = "Person {user_id} ist entfernt und sieht nichts mehr."
REMOVE_UNKNOWN = (
    "Eine Person mit der ID {user_id} ist nicht registriert (oder ist Admin aus der Konfiguration)."
)
REMOVE_NOT_ALLOWED = "Admins und andere Teamleitungen kann nur ein Admin entfernen."

# -- place -----------------------------------------------------------------------------------
PLACE_CURRENT = "Dein Ort: <b>{place}</b>. Ändern: /ort ORTSNAME, löschen: /ort -"
PLACE_NONE = "Du hast noch keinen Ort festgelegt. Schreib z. B. /ort Hausach"
PLACE_SET = "Dein Ort ist jetzt <b>{place}</b>. Fragen ohne Ortsangabe beantworte ich dafür."
PLACE_CLEARED = "Dein Ort ist gelöscht."
PLACE_UNKNOWN = "Den Ort »{place}« kenne ich nicht. Schreib den Namen der Gemeinde, z. B. /ort Lahr"
PLACE_CHOOSE = "Welchen Ort meinst du?"

THROTTLED_SHORT = "Sehr viele Nachrichten auf einmal; bitte einen Moment warten."
THROTTLED = (
    "Das sind sehr viele Nachrichten auf einmal; ich beantworte vorerst nur einen Teil davon. "
    "Bitte einen Moment warten, dann geht es normal weiter.\n\n" + EMERGENCY_SHORT
)

# -- errors ----------------------------------------------------------------------------------
SOMETHING_WENT_WRONG = (
    "Da ist etwas schiefgegangen. Bitte versuch es noch einmal.\n\n" + EMERGENCY_SHORT
)


# -- escalations ----------------------------------------------------------------------------
PII_PHONE = "eine Telefonnummer"
PII_DATE = "ein Datum (Geburtsdatum?)"
PII_EMAIL = "eine E-Mail-Adresse"
PII_NAME = "einen Namen"
PII_LABELS = {"phone": PII_PHONE, "date": PII_DATE, "email": PII_EMAIL, "name": PII_NAME}

KIND_LABELS = {
    "gewalt": "Gewalt/Bedrohung",
    "suizid": "Suizidgefahr/psychische Krise",
    "kindeswohl": "Kindeswohlgefährdung",
    "haeusliche-gewalt": "Häusliche Gewalt",
    "brand-unfall": "Brand/Unfall",
    "sonstiges": "Sonstiges",
}
# What the knowledge is searched for to show useful contacts under the confirmation.
KIND_SEARCH = {
    "gewalt": "polizei gewalt bedrohung",
    "suizid": "suizidgefahr krise",
    "kindeswohl": "kind in gefahr kindeswohlgefährdung jugendamt",
    "haeusliche-gewalt": "häusliche gewalt frauenhaus",
    "brand-unfall": "notruf feuerwehr rettungsdienst",
    "sonstiges": "eskalation akute situation",
}
URGENCY_LABELS = {"akut": "akut", "heute": "heute", "woche": "diese Woche"}
STATUS_LABELS = {"open": "offen", "taken": "übernommen", "resolved": "erledigt"}

ESC_START = (
    EMERGENCY_LINES
    + "\n\n<b>Eskalation melden</b> (Abbruch jederzeit mit /abbrechen)\n\nWas ist passiert?"
)
ESC_ONLY_PRIVATE = "Eskalationen meldest du bitte im privaten Chat mit mir."
ESC_PLACE = "In welchem Ort? Tipp auf einen Knopf oder schreib den Ortsnamen."
ESC_PLACE_OWN = "📍 {place}"
ESC_PLACE_NONE = "Ohne Ort"
ESC_PLACE_UNKNOWN = "Den Ort »{place}« kenne ich nicht. Schreib den Namen der Gemeinde."
ESC_PLACE_CHOOSE = "Welchen Ort meinst du?"
ESC_URGENCY = "Wie dringend?"
ESC_DESCRIPTION = (
    "Beschreib kurz, was passiert ist (eine Nachricht).\n\n"
    "⚠️ <b>Keine Namen, Telefonnummern, Geburtsdaten oder andere persönlichen Daten von "
    "Klientinnen und Klienten.</b> Schreib z. B. »Klient (m, 30)« statt des Namens."
)
ESC_DESCRIPTION_EMPTY = "Bitte schreib eine kurze Beschreibung als Text."
ESC_PII_WARNING = (
    "⚠️ Deine Beschreibung enthält vermutlich {found}. Bitte keine persönlichen Daten von "
    "Klientinnen und Klienten. Korrigieren?"
)
ESC_PII_FIX = "✏️ Korrigieren"
ESC_PII_KEEP = "So lassen"
ESC_SUMMARY = (
    "<b>Zusammenfassung</b>\n"
    "Art: {kind}\nOrt: {place}\nDringlichkeit: {urgency}\nBeschreibung: {description}\n\n"
    "Senden?"
)
ESC_SEND = "✅ Senden"
ESC_CANCEL = "✖️ Abbrechen"
ESC_CANCELLED = "Abgebrochen. Es wurde nichts gespeichert."
ESC_EXPIRED = (
    "Die Eskalationsmeldung ist abgelaufen, weil länger keine Antwort kam; es wurde nichts "
    "gespeichert. Neu beginnen mit /eskalation."
)
ESC_SAVED = "✅ <b>Gespeichert als #{id}.</b>"
ESC_CONTACTS = "<b>Hilfreiche Kontakte:</b>"
ESC_SAVE_FAILED = (
    "⚠️ <b>Ich konnte die Eskalation nicht speichern.</b> Bitte ruf deine Teamleitung direkt "
    "an.\n\n" + EMERGENCY_SHORT
)
ESC_NO_PLACE = "ohne Ort"

ALERT = (
    "🚨 <b>Eskalation #{id}</b> – {urgency}\n"
    "Art: {kind}\nOrt: {place}\nBeschreibung: {description}\n"
    "Gemeldet von {reporter} am {created}\nStatus: {status}"
)
ALERT_REDELIVERY = "⚠️ Erneut zugestellt: Diese Meldung kam vielleicht schon einmal an."
ALERT_REMINDER = "⏰ <b>Erinnerung {count}/{max}: noch nicht übernommen!</b>"
ALERT_ADMIN = "⚠️ <b>An Admins: Nach {count} Erinnerungen hat niemand übernommen.</b>"
ALERT_TAKE = "🙋 Übernehmen"
ALERT_DONE = "✅ Erledigt"
ALERT_TAKEN_BY = "übernommen von {name} um {time}"
ALERT_RESOLVED_BY = "erledigt von {name} um {time}"
ALERT_ERASED = "(nach Ablauf der Aufbewahrungsfrist gelöscht)"
REPORTER_TAKEN = "🙋 Deine Eskalation #{id} wurde von {name} übernommen."
REPORTER_RESOLVED = "✅ Deine Eskalation #{id} ist erledigt ({name})."
TAKE_DONE = "Du hast #{id} übernommen."
TAKE_ALREADY = "#{id} ist schon übernommen."
RESOLVE_DONE = "#{id} ist erledigt."
RESOLVE_ALREADY = "#{id} ist schon erledigt."
ESC_NOT_FOUND = "Diese Eskalation gibt es nicht."
OUTCOME_ASK = (
    "#{id} ist erledigt. Optional: Antworte auf diese Nachricht mit dem Ergebnis in einer "
    "Zeile (ohne Namen)."
)
OUTCOME_SAVED = "Ergebnis zu #{id} gespeichert."

ESC_LIST_HEADING = "<b>Offene Eskalationen ({count})</b>"
ESC_LIST_EMPTY = "Keine offenen Eskalationen."
ESC_LIST_ITEM = "#{id} {kind} · {place} · {status}"
ESC_HISTORY_HEADING = "<b>Verlauf #{id}</b>"
AUDIT_LABELS = {
    "created": "gemeldet",
    "notified": "benachrichtigt",
    "reminded": "erinnert",
    "admins-alerted": "an Admins gemeldet",
    "taken": "übernommen",
    "resolved": "erledigt",
    "outcome": "Ergebnis eingetragen",
    "erased": "Beschreibung gelöscht (Aufbewahrungsfrist)",
    "denied": "unberechtigter Versuch",
}
EXPORT_CHOOSE = "Welcher Zeitraum?"
EXPORT_PERIODS = {"30": "Letzte 30 Tage", "365": "Letzte 12 Monate", "all": "Alles"}
EXPORT_CAPTION = "Eskalationen {since} bis {until} ({count})"
EXPORT_USAGE = "Zeitraum: /export oder /export JJJJ-MM-TT [JJJJ-MM-TT]"
STATS_HEADING = "<b>Statistik der Eskalationen</b> ({count} insgesamt)"
STATS_SECTION = "<b>{title}</b>"
STATS_TITLES = {"kind": "Nach Art", "place": "Nach Ort", "team": "Nach Team", "month": "Nach Monat"}
STATS_MEDIAN = "Median bis zur Übernahme: {minutes} Minuten"
STATS_NO_MEDIAN = "Median bis zur Übernahme: –"
STATS_EMPTY = "Noch keine Eskalationen."
STATS_CHART_TITLE = "Eskalationen"
STATS_UNKNOWN = "unbekannt"


# -- knowledge management (team leads) -------------------------------------------------------
FIELD_LABELS = {
    "phone": "Telefon",
    "hours": "Öffnungszeiten",
    "text": "Text",
    "steps": "Schritte",
    "keywords": "Stichwörter",
    "verified": "Geprüft am",
    "title": "Titel",
    "category": "Kategorie",
    "scope": "Gilt für",
    "related": "Siehe auch",
    "urgent": "Notfall",
    "owner": "Zuständig",
    "source": "Quelle",
    "name": "Name",
    "role": "Rolle",
    "email": "E-Mail",
    "address": "Adresse",
    "after_hours": "Außerhalb der Öffnungszeit",
}
CONTACT_FIELD = "Kontakt {number} · {field}"
EDIT_ASK_ENTRY = "Welchen Eintrag willst du bearbeiten? Schreib ein Stichwort oder die id."
EDIT_CHOOSE_ENTRY = "Welcher Eintrag?"
EDIT_NO_ENTRY = "Dazu finde ich keinen Eintrag. Schreib ein anderes Stichwort oder die id."
EDIT_CHOOSE_FIELD = "<b>{title}</b> (<code>{id}</code>): Was willst du ändern?"
EDIT_TODAY_BUTTON = "heute"
EDIT_TODAY_WORD = "heute"  # typed instead of a date
EDIT_CHOOSE_CONTACT = "Welcher Kontakt?"
EDIT_NO_CONTACTS = "Dieser Eintrag hat keine Kontakte."
EDIT_ASK_VALUE = {
    "phone": "Neue Telefonnummer (z. B. +49 7821 277-0), oder - zum Entfernen:",
    "hours": "Neue Öffnungszeiten im OSM-Format (z. B. Mo-Fr 08:00-16:00; PH off), oder - :",
    "text": "Neuer Text (eine Nachricht; Leerzeile = neuer Absatz):",
    "steps": "Neue Schritte, einer pro Zeile:",
    "keywords": "Neue Stichwörter, durch Komma getrennt:",
    "verified": "Datum der Prüfung (JJJJ-MM-TT) oder »heute«:",
}
EDIT_CURRENT = "Bisher: {value}"
EDIT_REVIEW = "<b>Änderung an {file}</b>\n\n{changes}\n\nÜbernehmen?"
EDIT_APPLY = "✅ Übernehmen"
EDIT_DISCARD = "✖️ Verwerfen"
EDIT_APPLIED = "✅ Übernommen als Revision #{revision}. Ab jetzt gilt: {summary}"
EDIT_DISCARDED = "Verworfen. Es wurde nichts geändert."
EDIT_INVALID = "⚠️ So geht es nicht, nichts wurde geändert:\n\n{problems}"
EDIT_NO_CHANGE = "Das ist schon so gespeichert; nichts zu ändern."
EDIT_FAILED = "⚠️ Die Änderung konnte nicht gespeichert werden; das bisherige Wissen gilt weiter."
EDIT_EXPIRED = "Die Bearbeitung ist abgelaufen; es wurde nichts geändert."
CHANGE_ADDED = "➕ neu: {title} (<code>{id}</code>)"
CHANGE_REMOVED = "➖ entfernt: {title} (<code>{id}</code>)"
CHANGE_FIELD = "✏️ <code>{id}</code> · {field}\n   vorher: {old}\n   nachher: {new}"
CHANGE_LIST = "✏️ <code>{id}</code> · {field}\n   dazu: {added}\n   weg: {removed}"
CHANGE_OTHER = "✏️ {what}"
CHANGE_MORE = "… und {count} weitere Änderungen"
CONFIRMED = "✅ {title}: geprüft am {date} (Revision #{revision})."
CONFIRM_USAGE = "So bestätigst du einen Eintrag: /bestaetigen ID (die id steht bei /bearbeiten)."
CONFIRM_UNKNOWN = "Einen Eintrag mit der id »{id}« gibt es nicht."
UPLOAD_NOT_YAML = "Bitte eine .yaml-Datei ohne Ordner im Namen schicken (z. B. polizei.yaml)."
UPLOAD_TOO_BIG = "Die Datei ist zu groß (höchstens 512 KiB)."
UPLOAD_NOT_TEXT = "Die Datei ist keine UTF-8-Textdatei."
UPLOAD_OUTDATED = "Diese Prüfung ist veraltet. Bitte die Datei neu schicken."
KNOWLEDGE_FILES = (
    "Das aktuelle Wissen: {count} Dateien. Bearbeiten und als Dokument zurückschicken."
)
HISTORY_HEADING = "<b>Letzte Änderungen am Wissen</b>"
HISTORY_EMPTY = "Noch keine Änderungen aufgezeichnet."
HISTORY_LINE = "#{id} {at} · {file} · {source} · {actor}\n   {summary}"
SOURCE_LABELS = {
    "edit": "Bearbeitung",
    "upload": "Upload",
    "rollback": "Zurückgesetzt",
    "disk": "Datei",
}
ROLLBACK_USAGE = "So setzt du zurück: /zuruecksetzen REVISION (die Nummer zeigt /verlauf)."
ROLLBACK_UNKNOWN = "Eine Revision #{id} gibt es nicht."
ROLLBACK_DONE = "↩️ Revision #{old} zurückgesetzt (neue Revision #{revision}): {summary}"
RELOAD_CHANGED = "🔄 Neu geladen: {summary}"
RELOAD_UNCHANGED = "Das Wissen auf der Festplatte ist unverändert."
RELOAD_BROKEN = (
    "⚠️ <b>Das Wissen auf der Festplatte ist fehlerhaft.</b> Der Bot antwortet weiter mit dem "
    "letzten funktionierenden Stand.\n\n{problems}"
)
PHONE_CHANGED_LINE = "☎️ {name}: {phone}"
PHONE_CHANGED_NOTICE = (
    "📞 <b>Neue Nummer im Notfallwissen:</b> {title}\n{phones}\n\nDetails: Frag einfach nach "
    "»{title}«."
)
GAPS_HEADING = "<b>Wissenslücken der letzten 30 Tage</b> (ohne Antwort oder 👎)"
GAPS_EMPTY = "In den letzten 30 Tagen gab es keine Fragen ohne Antwort und kein 👎."
GAPS_LINE = "{index}. »{example}« – {count}×"
GAPS_ADD = "➕ {index}: Stichwort ergänzen"
GAPS_CHOOSE_ENTRY = "Zu welchem Eintrag passt »{question}«?"
STALE_HEADING = "<b>Veraltete Einträge</b> (nie geprüft oder vor über {days} Tagen)"
STALE_EMPTY = "Alle Einträge sind aktuell geprüft."
STALE_OWNER = "<b>{owner}</b>"
STALE_NO_OWNER = "ohne Zuständige"
STALE_NEVER = "• {title} (<code>{id}</code>): nie geprüft"
STALE_DAYS = "• {title} (<code>{id}</code>): geprüft am {date}, vor {days} Tagen"


def weekday_time(when: dt.datetime, now: dt.datetime) -> str:
    """'16:00' today, 'Mo 08:00' within a week, 'Mo 05.01. 08:00' later."""
    if when.date() == now.date():
        return f"{when:%H:%M}"
    day = WEEKDAYS[when.weekday()]
    if (when.date() - now.date()).days < 7:
        return f"{day} {when:%H:%M}"
    return f"{day} {when:%d.%m.} {when:%H:%M}"


def german_date(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


# --- semantic search (issue 10)
SEMANTIC_OFF = "Hinweis: Die Bedeutungssuche ist aus, ich suche nur nach Wörtern ({reason})."
SEMANTIC_PREPARING = (
    "Einmalig: Ich bereite {count} Textstellen des Wissens für die Bedeutungssuche vor "
    "(etwa eine Minute; danach startet alles sofort) …"
)
SEMANTIC_OFF_ADMIN = (
    "⚠️ Die Bedeutungssuche konnte nicht starten; der Bot antwortet nur über die Wortsuche "
    "(lange Sätze und andere Sprachen werden schlechter verstanden). Grund: {reason}"
)

# --- location (issue 14)
LOCATION_BUTTON = "📍 Standort senden"
LOCATION_OFFER = (
    "Du weißt nicht, in welcher Gemeinde du gerade bist? Tipp auf »📍 Standort senden«: "
    "ich nenne dir den Ort, die zuständige Polizei und dein Team. Ich speichere den Standort "
    "nicht."
)
LOCATION_NEAR = "📍 <b>Standort: nahe {place}</b>"
LOCATION_BETWEEN = "📍 <b>Standort: zwischen {place} und {other}, bitte prüfen</b>"
LOCATION_MUNICIPALITY = "Gemeinde: <b>{place}</b>"
LOCATION_OUTSIDE = (
    "📍 <b>Dieser Standort liegt außerhalb des Ortenaukreises</b> — <b>110</b>/<b>112</b> "
    "gelten überall."
)
LOCATION_OUTSIDE_NEAREST = "Nächster Ort: {town}"
LOCATION_OUTSIDE_NO_CONTACT = "Eine örtliche Stelle kann ich dir dort nicht nennen."
LOCATION_UNKNOWN = (
    "📍 Ich kann den Standort keinem Ort zuordnen: im Wissen sind keine Koordinaten hinterlegt. "
    "Schreib mir den Namen der Gemeinde."
)
LOCATION_POLICE = "👮 Zuständige Polizei: <b>{title}</b>"
LOCATION_NO_POLICE = "👮 Eine zuständige Polizeidienststelle ist für {place} nicht hinterlegt."
LOCATION_ALTERNATIVE_POLICE = "Falls du in {place} bist: {title}"
LOCATION_TEAM = "👥 Team: {title}"
LOCATION_SAVE_BUTTON = "Als meinen Ort speichern: {place}"
LOCATION_SAVED = "Dein Ort ist jetzt <b>{place}</b>. Fragen ohne Ortsangabe beantworte ich dafür."
LOCATION_UNAVAILABLE = (
    "📍 Standorte kann ich gerade nicht auswerten. Schreib mir den Namen der Gemeinde."
)


# --- cards (issue 14) -----------------------------------------------------------------------
CARD_BUTTON = "🆘 Notfallkarte"
CARD_MENU = (
    "🆘 <b>Notfallkarte</b>: In welcher Sprache? Die Karte kannst du zeigen oder an die "
    "Person weiterleiten."
)
CARD_NONE = "Im Wissen sind keine Notfallkarten hinterlegt."
CARD_SENT = "🆘 Notfallkarte auf {language}: Zeig sie oder leite sie weiter."
CARD_NOT_CHECKED = (
    "⚠️ Übersetzung noch nicht geprüft: Keine Muttersprachlerin und kein Muttersprachler hat "
    "diesen Text bisher kontrolliert. Die Nummern sind dieselben wie auf der deutschen Karte."
)
CARD_NO_PLACE = "Tipp: Mit /ort legst du deinen Ort fest, dann steht dein Team mit auf der Karte."
CARD_TEAM = "Ihr Integrationsmanagement"
CARD_LANGUAGES = {
    "de": "Deutsch",
    "ar": "Arabisch",
    "uk": "Ukrainisch",
    "ru": "Russisch",
    "tr": "Türkisch",
    "fa": "Farsi/Dari",
    "en": "Englisch",
    "fr": "Französisch",
}
CARD_PRINT_FOOTER = "Notfallkarte · {language} · caseworker-bot, Wissensstand {version}"
CARD_CLI_UNKNOWN_LANGUAGE = "Eine Karte in »{lang}« gibt es nicht. Vorhanden: {known}"
CARD_CLI_BAD_SUFFIX = "Die Ausgabe muss auf .pdf oder .png enden: {out}"
CARD_CLI_WRITTEN = "Geschrieben: {out}"
CARD_CLI_UNKNOWN_PLACE = "Den Ort »{place}« kenne ich nicht."


# --- operations (issue 12a) -------------------------------------------------------------------
# Lines for the operator (standard error / journal) and for admins about the set-up.

TELEGRAM_TIMED_OUT = "Zeitüberschreitung"
TELEGRAM_UNREACHABLE = "Telegram nicht erreichbar, neuer Versuch in höchstens {retry} ({reason})"
TELEGRAM_REACHABLE = "Telegram wieder verbunden"
TOKEN_REJECTED = (
    "Telegram lehnt TELEGRAM_BOT_TOKEN ab: bitte den Token bei @BotFather prüfen "
    "(/mybots → Bot wählen → API Token) und neu eintragen."
)
STARTUP_FAILED = "Start fehlgeschlagen: {reason}"
LEAD_CHAT_OK = "Gruppe der Teamleitungen erreichbar: TEAM_LEAD_CHAT_ID {chat} ({title})"
LEAD_CHAT_UNREACHABLE = (
    "Gruppe der Teamleitungen nicht erreichbar: TEAM_LEAD_CHAT_ID {chat} ({reason}); "
    "Eskalationen gehen direkt an die Admins, bis der Bot wieder in der Gruppe ist "
    "oder die Chat-ID stimmt"
)
LEAD_CHAT_NOT_MEMBER = "der Bot ist nicht Mitglied ({status})"
LEAD_CHAT_UNREACHABLE_ADMIN = (
    "⚠️ <b>Die Gruppe der Teamleitungen ist nicht erreichbar.</b>\n"
    "TEAM_LEAD_CHAT_ID {chat}: {reason}\n\n"
    "Eskalationen kommen deshalb direkt zu dir (und zu den anderen Admins), bis das behoben "
    "ist: den Bot wieder in die Gruppe aufnehmen, oder die Chat-ID in der Einstellung "
    "korrigieren und den Bot neu starten."
)
ALERT_LEAD_CHAT_FALLBACK = (
    "⚠️ <b>An Admins: Die Gruppe der Teamleitungen ist nicht erreichbar</b>, deshalb kommt "
    "diese Meldung direkt zu dir."
)
AUDIT_LABELS["undeliverable"] = "nicht zustellbar"
AUDIT_LABELS["lead-chat-fallback"] = "Gruppe nicht erreichbar, direkt an Admins"
# The reporter's confirmation says whom the alert really reached (after ESC_SAVED).
ESC_REACHED_GROUP = "Benachrichtigt: die Gruppe der Teamleitungen."
ESC_REACHED_DIRECT = "Benachrichtigt: {count} Teamleitungen/Admins direkt."
ESC_GROUP_UNREACHABLE = "⚠️ Die Gruppe der Teamleitungen ist gerade nicht erreichbar."
ESC_REACHED_ADMINS = "Stattdessen benachrichtigt: {count} Admins direkt."
ESC_REACH_PENDING = (
    "Die Benachrichtigung wird gerade zugestellt und bei Verbindungsproblemen wiederholt."
)
ESC_REACHED_NOBODY = (
    "⚠️ <b>Ich konnte niemanden benachrichtigen.</b> Die Meldung ist gespeichert, aber bitte "
    "ruf deine Teamleitung direkt an.\n\n" + EMERGENCY_SHORT
)


# --- operations (issue 12b) ------------------------------------------------------------------

PRIVATE_ONLY = "Das zeige ich nur im privaten Chat – schreib mir bitte dort."
CHANGED_MEANWHILE = (
    "⚠️ <b>{who} hat {file} inzwischen geändert</b> – deine Änderung ist noch nicht "
    "übernommen.\n{changes}\n\nDeine Änderung gegen den neuen Stand:\n\n{review}"
)
CHANGED_MEANWHILE_SOMEONE = "Jemand"
CHANGE_NOTHING = "(keine inhaltliche Änderung)"
NEVER_VERIFIED_LOCAL = (
    "⚠️ Die Angaben dieses Eintrags wurden noch nie geprüft (110 und 112 gelten immer). Im "
    "Zweifel über die Zentrale nachfragen."
)
STALE_LOCAL = (
    "⚠️ Die Angaben dieses Eintrags wurden zuletzt am {date} geprüft, vor über {days} Tagen "
    "(110 und 112 gelten immer). Bitte gegenprüfen."
)
NOTHING_FOUND_LOCAL = (
    "Dazu habe ich nichts gefunden.\n\n"
    + EMERGENCY_SHORT
    + "\n\nAlle Themen findest du unter /themen."
)
CONSOLE_HELP = (
    "<b>Konsole</b>: Frag einfach, z. B. »polizei hausach«.\n"
    "/themen – Wissen nach Bereichen\n"
    "/notfall – Notfallkontakte\n"
    "/ort ORT – deinen Ort festlegen (/ort allein: keiner)\n"
    "/zeit JJJJ-MM-TTTHH:MM – Antworten für diese Uhrzeit\n"
    "/hilfe – diese Hilfe\n"
    "/ende – beenden\n"
    "Eine Zahl wählt einen Knopf. Eskalationen und alles für Teamleitungen gibt es nur in "
    "Telegram."
)
CONSOLE_UNKNOWN_COMMAND = "{command} gibt es hier nicht, nur in Telegram. Was es hier gibt: /hilfe"
CONSOLE_NO_SUCH_COMMAND = "{command} kenne ich nicht. Was es hier gibt: /hilfe"


# --- knowledge authoring (issue 11)

HOURS = "🕘 {hours}"
HOURS_ASK_FIRST = "🕘 Erreichbarkeit: bitte vorher anrufen"
EDIT_ASK_VALUE["hours"] = (
    "Neue Öffnungszeiten, z. B. Mo–Fr 9–12 Uhr oder Mo-Do 8-16 Uhr; Fr 8-12 Uhr "
    "(24/7 für rund um die Uhr), oder - zum Entfernen:"
)
STALE_NOTE = "• {title} (<code>{id}</code>): {note}"
EDIT_WARNINGS = "⚠️ <b>Hinweise</b> (die Änderung geht trotzdem):\n{warnings}"
