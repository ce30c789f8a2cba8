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

CHOOSE = "Meinten Sie …?"
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
    "Befehle: /themen, /notfall, /ort ORT, /zeit JJJJ-MM-TTTHH:MM, /ende. "
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
HELP = TOUR + (
    "\n\n<b>Befehle</b>\n"
    "/themen – Wissen nach Bereichen\n"
    "/notfall – Notfallkontakte\n"
    "/ort – deinen Ort festlegen\n"
    "/hilfe – diese Hilfe"
)
HELP_LEAD = (
    "\n\n<b>Für Teamleitungen</b>\n"
    "/einladen – Einladungslink erzeugen\n"
    "/nutzer – registrierte Personen\n"
    "/entfernen – eine Person entfernen"
)
START_REGISTERED = "Du bist schon registriert. /hilfe zeigt, was der Bot kann."
LEADS_ONLY = "Das dürfen nur Teamleitungen."
ADMINS_ONLY = "Das dürfen nur Admins."

# Command menu descriptions (Telegram shows these in the / menu).
COMMANDS = (
    ("notfall", "Notfallkontakte, ein Tipp"),
    ("themen", "Wissen nach Bereichen"),
    ("ort", "Deinen Ort festlegen"),
    ("hilfe", "Was der Bot kann"),
    ("einladen", "Teamleitung: Einladungslink erzeugen"),
    ("nutzer", "Teamleitung: registrierte Personen"),
    ("entfernen", "Teamleitung: Person entfernen"),
)

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

# -- errors ----------------------------------------------------------------------------------
SOMETHING_WENT_WRONG = (
    "Da ist etwas schiefgegangen. Bitte versuch es noch einmal.\n\n" + EMERGENCY_SHORT
)


# -- escalations ----------------------------------------------------------------------------
PII_PHONE = "eine Telefonnummer"
PII_DATE = "ein Datum (Geburtsdatum?)"
PII_EMAIL = "eine E-Mail-Adresse"
PII_NAME = "einen Namen"


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
