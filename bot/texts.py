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
PLACE_FROM_DEFAULT = "📍 Für {place} (Ihr Ort, ändern mit /ort)"
STEPS_HEADING = "<b>So gehen Sie vor:</b>"
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
    + "\n\nAlle Themen finden Sie unter /themen. Ihre Frage habe ich für die Teamleitungen "
    "notiert, damit das Wissen ergänzt werden kann."
)
NOTHING_FOUND_CONSOLE = "Dazu habe ich nichts gefunden."
PLACE_OVERVIEW = "Zu {place} habe ich diese Einträge:"

# -- browsing ------------------------------------------------------------------------------
TOPICS = "<b>Themen</b>: Wählen Sie einen Bereich."
TOPIC = "<b>{label}</b>: Wählen Sie einen Eintrag."
BACK = "⬅️ Zurück"
NEXT_PAGE = "Weiter ➡️"
PREVIOUS_PAGE = "⬅️ Vorherige"
EMERGENCY_MENU = EMERGENCY_LINES + "\n\n<b>Notfall</b>: Was ist passiert?"
EMERGENCY_OWN_POLICE = "👮 {title}"
OUTDATED_BUTTON = "Dieser Knopf ist veraltet. Bitte stellen Sie die Frage neu."

# -- console -------------------------------------------------------------------------------
CONSOLE_WELCOME = (
    "caseworker-bot: Konsole (Wissensstand {version}, {entries} Einträge).\n"
    "Fragen Sie einfach, z. B. »polizei hausach« oder »klient suizid was tun«.\n"
    "Befehle: /themen, /notfall, /ort ORT, /zeit JJJJ-MM-TTTHH:MM, /ende. "
    "Zahlen wählen einen Knopf."
)
CONSOLE_BYE = "Auf Wiedersehen."
CONSOLE_PLACE_SET = "Ihr Ort ist jetzt {place}."
CONSOLE_PLACE_UNKNOWN = "Den Ort »{place}« kenne ich nicht."
CONSOLE_PLACE_CLEARED = "Ihr Ort ist nicht mehr gesetzt."
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
