"""What a non-article block is: cue phrases for each kind of page furniture.

Cues describe the furniture's own wording (a call to action, an ad marker, a
share button), which is shared across sites; quoted speech is ignored so that
an article quoting a slogan is not mistaken for one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from marketdesk.extract.banner import is_market_status
from marketdesk.extract.credits import MAX_CREDIT_WORDS, is_copyright, syndication_origin
from marketdesk.extract.text import ASCII_WORD_BYTES, folded_tokens
from marketdesk.model import Block, BlockKind

_AD_MARKERS = frozenset(
    {
        "advertisement",
        "advertisements",
        "advertising",
        "advertisment",
        "ad",
        "ads",
        "sponsored",
        "sponsored content",
        "paid content",
        "paid post",
        "promoted",
        "promoted content",
        "anzeige",
        "werbung",
        "publicité",
        "publicidad",
        "pubblicità",
        "reklama",
        "advertentie",
        "annons",
        "reklame",
        "mainos",
        "story continues below advertisement",
        "article continues below advertisement",
        "continue reading below",
        "scroll to continue with content",
        "article continues below",
        "story continues below",
        "advertisement scroll to continue",
        "skip advertisement",
        "ad feedback",
        "report this ad",
        "advertising disclosure",
        "affiliate disclosure",
    }
)


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_COOKIE = _rx(
    r"\b(?:we|wir|nous|utilizamos|usamos|utilizziamo|wij) (?:\w+ ){0,3}"
    r"(?:use|verwenden|nutzen|utilisons|utilizamos|usamos|utilizziamo|gebruiken)? ?"
    r"(?:\w+ ){0,2}cookies?\b",
    r"\bcookies?\b.*\b(?:use|accept|consent|settings|policy|preferences)\b",
    r"\b(?:accept|reject) all\b",
    r"\bmanage (?:consent|preferences)\b",
    r"\bwe (?:and our partners )?(?:use|store) cookies\b",
    r"\bdatenschutzeinstellungen\b",
    r"\bcookies?\b.*\b(?:verwenden|nutzen|akzeptieren|einstellungen|utilisons|accepter|paramètres|"
    r"utilizamos|aceptar|configuración|utilizziamo|accetta|gebruiken|accepteren)\b",
    r"\b(?:alle akzeptieren|alle ablehnen|tout accepter|tout refuser|aceptar todo|rechazar todo|"
    r"accetta tutto|rifiuta tutto|alles accepteren)\b",
    # Polish, Czech, Portuguese and Italian notices: "korzystamy z plików cookies"
    r"\b(?:korzyst\w*|używa\w*|stosuje\w*|wykorzystuje\w*|používá\w*|usamos|utiliza\w*|"
    r"questo sito)\b.{0,60}\bcookies?\b",
    r"\bcookies?\b.*\b(?:prywatności|polityk\w*|zgod\w*|akceptuj\w*|souhlas\w*|privacidade|"
    r"consentimento|privacy|consenso)\b",
)
_NEWSLETTER = _rx(
    r"\bnewsletters?\b",
    r"\bsign up for\b.*\b(?:email|updates|briefing|daily|weekly)\b",
    r"\bdelivered (?:straight )?to your inbox\b",
    r"\bsubscribe to (?:our|the) \w+ (?:email|list)\b",
    r"\benter your email\b",
    r"\byour email address\b",
    r"\bI consent to receiv",
)
_PROMO_PATTERNS = (
    r"\bour (?:new |free |award-winning )?(?:app|apps|platform|podcast|website|site|service|"
    r"magazine|subscription|offers?|store|shop)\b",
    r"\bbrought to you by\b",
    r"\bget the (?:answers|app|latest|full|best)\b",
    r"\b(?:download|install|get) (?:the|our) (?:\w+ ){0,3}apps?\b",
    r"\b(?:download|install) (?:it )?(?:now|today|for free)\b",
    r"\bsubscribe (?:now|today|here)\b",
    r"\bsign up (?:now|today|here|free)\b",
    r"\bclick here\b",
    r"\bfree trial\b",
    r"\b(?:try|join|explore|visit|discover|follow|like) (?:us|our)\b",
    r"\bdo you (?:have|want)\b",
    r"\bunlimited (?:digital )?access\b",
    r"\blimited[- ]time\b",
    r"\bdon[’']?t miss\b",
    r"\bspecial offer\b",
    r"\bbecome a (?:member|subscriber|supporter)\b",
    r"\bsupport (?:our|us)\b",
    r"\bjetzt (?:abonnieren|testen|lesen|registrieren)\b",
    r"\babonnez-vous\b",
    r"\bplease subscribe\b",
    r"\bto (?:view|read|continue reading) the (?:full|entire|rest of the) (?:story|article)\b",
    r"\bfollow (?:\w+ ){0,3}on (?:twitter|facebook|instagram|linkedin|tiktok|youtube)\b",
    r"\bthank you for (?:your support|reading|visiting)\b",
    r"\b(?:registrieren|anmelden) und weiterlesen\b",
    r"\bunterstützen sie (?:uns|unsere)\b",
    r"\bunterstütze (?:uns|unsere)\b",
    r"\b(?:jede (?:kleine )?spende|jetzt spenden|spenden sie|donate now|make a donation|"
    r"we rely on (?:your|readers)|faire un don)\b",
    r"\b(?:amazon associates?|affiliate links?|participates? in the amazon)\b",
    r"\bletters? to the editor\b",
    # A site's closing calls to stay in touch: 'Get the latest news straight to your phone with
    # the X app', 'For the latest stories download the X apps', 'We want to hear what you
    # think about this article', 'Send us a message on WhatsApp or email us at ...'; each one cue,
    # so a block needs two of them (or one in a dozen words) to be a promo.
    r"\bstraight to your (?:phone|inbox|device|mobile|smartphone)\b",
    r"^\W*for (?:the )?(?:latest|breaking) (?:news|stories|updates|headlines)\b",
    r"\bwe(?:[’']d| would)? (?:want|love|like) to hear (?:from you|what you think)\b",
    r"\b(?:send us (?:a |an |your )|e-?mail us\b)",
    r"\b(?:immediate|instant) access to (?:this|the full|the rest|all|our)\b",
    r"\balready an? (?:subscriber|member)\b",
)


def _all_of(*groups: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(g.split()) for g in groups)


# What each _PROMO pattern needs among a block's words, in its order: one word of every
# group. A long block with a cue word ('our', 'get', 'you') where no pattern can match skips
# the patterns, whose scan over a paragraph cost more than the rest of its reading.
_PROMO_NEEDS = (
    _all_of(
        "our",
        "app apps platform podcast website site service magazine subscription offer "
        "offers store shop",
    ),
    _all_of("brought", "you"),
    _all_of("get", "the", "answers app latest full best"),
    _all_of("download install get", "the our", "app apps"),
    _all_of("download install", "now today free"),
    _all_of("subscribe", "now today here"),
    _all_of("sign", "up", "now today here free"),
    _all_of("click", "here"),
    _all_of("free", "trial"),
    _all_of("try join explore visit discover follow like", "us our"),
    _all_of("do", "you", "have want"),
    _all_of("unlimited", "access"),
    _all_of("limited", "time"),
    _all_of("miss"),
    _all_of("special", "offer"),
    _all_of("become", "member subscriber supporter"),
    _all_of("support", "our us"),
    _all_of("jetzt", "abonnieren testen lesen registrieren"),
    _all_of("abonnez", "vous"),
    _all_of("please", "subscribe"),
    _all_of("view read continue", "story article"),
    _all_of("follow", "on", "twitter facebook instagram linkedin tiktok youtube"),
    _all_of("thank", "you", "support reading visiting"),
    _all_of("registrieren anmelden", "weiterlesen"),
    _all_of("unterstützen", "sie"),
    _all_of("unterstütze", "uns unsere"),
    _all_of("spende spenden donate donation rely faire"),
    _all_of("amazon affiliate"),
    _all_of("editor", "letter letters"),
    _all_of("straight", "your"),
    _all_of("for", "latest breaking", "news stories updates headlines"),
    _all_of("hear", "from what"),
    _all_of("send email mail", "us"),
    _all_of("immediate instant", "access"),
    _all_of("already", "subscriber member"),
)


# Every word _PROMO_NEEDS names: a block's words among these decide _promo_possible as all its
# words do, and the set is built from the few, not from a paragraph's hundred.
_PROMO_NEED_WORDS = frozenset().union(*(group for needs in _PROMO_NEEDS for group in needs))


def _possible_promos(tokens: frozenset[str]) -> tuple[int, ...]:
    """The _PROMO patterns (their indexes) that have all the words they need among these."""
    possible = []
    for i, needs in enumerate(_PROMO_NEEDS):  # plain loops: generators cost more than the tests
        for group in needs:
            if tokens.isdisjoint(group):
                break
        else:
            possible.append(i)
    return tuple(possible)


@lru_cache(maxsize=512)
def _promo_folded(which: tuple[int, ...]) -> re.Pattern[str]:
    """The alternation of these _PROMO patterns only, for casefolded text: the patterns that
    cannot match fail at every position of a paragraph, and the scan paid for each of them.
    Kept in their order, so each position's first match is the full alternation's."""
    return re.compile("|".join(f"(?:{_PROMO_PATTERNS[i]})" for i in which))


# A browser's push-notification prompt: the site asks to send alerts ("Allow notifications",
# "Dürfen wir Sie in Ihrem Browser ... informieren?", "Benachrichtigungen erfolgreich aktiviert").
_NOTIFY = _rx(
    r"\b(?:allow|enable|activate|turn on|get|receive|subscribe to) (?:\w+ ){0,2}"
    r"(?:push |browser |desktop |web )?notifications\b",
    r"\bnotifications? (?:are |have been |successfully )*(?:enabled|activated|turned on|blocked)\b",
    r"\b(?:send|show) you (?:\w+ ){0,2}notifications\b",
    r"\bbenachrichtigung(?:en)? (?:\w+ ){0,2}(?:aktivier|erlaub|zulass|zu schicken|zu senden)",
    r"\b(?:erlauben|gestatten) sie\b.{0,60}\bbenachrichtigung",
    r"\bin ihrem browser\b.{0,80}\b(?:informieren|benachrichtig)",
    r"\b(?:activer|autoriser|recevoir) (?:les |des )?notifications\b",
    r"\b(?:activar|permitir|recibir) (?:las )?notificaciones\b",
    r"\b(?:attiva|consenti|ricevi) (?:le )?notifiche\b",
)
# A call to follow the site on a social network that opens its block ('Follow The Gleaner on
# Twitter and Instagram ... or email us at ...', 'Síguenos en Telegram, Instagram, Facebook y
# Twitter para recibir ...'): a promo whatever follows, where an article's sentence seldom
# opens so.
_FOLLOW = re.compile(
    # English names whom to follow (us, a handle, a name in capitals): 'Follow these steps
    # shared on Twitter' is an article's sentence.
    r"^\W*(?:[Ff]ollow (?:us|me|@[\w.]+|(?:[Tt]he )?[A-Z][\w.'’&-]*(?: [A-Z][\w.'’&-]*){0,3}) on"
    r"|(?i:s[ií]guenos (?:en|a través de)|suivez-nous sur|folgen sie uns (?:auf|bei)|"
    r"seguici su|siga-nos n[oa]s?|volg ons op)) (?:\w+ ){0,2}?"
    r"(?i:twitter|facebook|instagram|telegram|whatsapp|tiktok|youtube|linkedin|threads|"
    r"mastodon|bluesky|x)\b"
)
_FOLLOW_TRIGGER = frozenset(
    ("follow", "síguenos", "siguenos", "suivez", "folgen", "seguici", "siga", "volg")
)
_FOLLOW_MAX_WORDS = 50
# What a page shows where its scripts did not run: 'Please enable JavaScript to view the
# comments', 'JavaScript is disabled in your browser', 'Your browser does not support the video
# tag'. A how-to's 'enable JavaScript in your settings' names no such page part.
_NOSCRIPT = _rx(
    r"\b(?:enable|turn on|activate|allow) javascript (?:to|in order to|for) (?:view|see|watch|use|"
    r"run|display|play|access|read|comment|load|get)\b",
    r"^\W*(?:please )?(?:enable|turn on|activate) javascript\b",
    r"\bjavascript (?:is|has been|seems to be|appears to be) (?:disabled|turned off|not enabled)\b",
    r"\bjavascript is required(?: to (?:view|use|run|see|watch|display|play)\b|\W*$)",
    r"\byour browser does(?: not|n[’']t) support (?:javascript|the video tag|html5 video|the audio "
    r"element|iframes)\b",
    r"\b(?:aktivieren sie|bitte aktivieren) (?:bitte )?(?:ihr )?javascript\b",
    r"\bjavascript (?:ist )?(?:deaktiviert|nicht aktiviert)\b",
    r"\b(?:veuillez )?activer (?:le )?javascript\b",
)
_NOSCRIPT_TRIGGER = frozenset(("javascript", "browser"))
_NOSCRIPT_MAX_WORDS = 40
_SHARE = _rx(
    r"^share\b",
    r"\bshare (?:this|on|via|article|story)\b",
    r"\bclick to (?:share|email|print)\b",
    r"^(?:facebook|twitter|x|linkedin|whatsapp|email|e-mail|print|copy link|pinterest|reddit|"
    r"telegram|messenger)$",
    r"\b(?:teilen|partager|compartir|condividi|compartilhar|delen)\b\W*$",
)
_COMMENT_WORD = r"(?:comments?|kommentare?|commentaires?|comentarios?|commenti|reacties|reactions)"
_COMMENTS = _rx(
    rf"^\d+\s+{_COMMENT_WORD}\b",
    rf"^{_COMMENT_WORD}\s*(?:\(\d+\))?:?$",
    rf"^(?:show|view|read|alle|voir les|ver|mostra)\s+(?:all\s+)?{_COMMENT_WORD}\b",
    r"\bleave a (?:comment|reply)\b",
    r"\bjoin the (?:conversation|discussion)\b",
    r"\b(?:log|sign) in to comment\b",
    r"\bshow comments\b",
    r"\b(?:schreiben sie einen kommentar|kommentar schreiben|laisser un commentaire|"
    r"deja un comentario|dejar un comentario|lascia un commento)\b",
    r"\bkommentare?\b$",
    r"^comment by\b",
    r"\(wird (?:benötigt|nicht veröffentlicht)",
    r"\bcommentaires?\b$",
    # A blog's notes, one a reader: 'jane-doe reblogged this from harbourblog and added:',
    # 'jane-doe liked this'.
    r"^[\w.-]+ (?:reblogged this(?: from [\w.-]+)?(?: and added:?)?|liked this)$",
)
_RELATED = _rx(
    r"^related(?: (?:coverage|stories|articles|content|news|reading|topics|links))?:?$",
    r"^(?:read|see) (?:more|also|next)\b",
    r"^more (?:from|on|about|stories|news)\b",
    r"^you (?:may|might) (?:also )?(?:like|be interested)\b",
    r"^recommended(?: for you)?:?$",
    r"^(?:most (?:popular|read|viewed)|trending(?: now)?|top stories|latest news)$",
    r"^what to read next$",
    r"^explore further:?$",
    # 'Also on HuffPost:', 'Related News On Huffington Post:': a site's own links follow.
    r"^(?:also|related(?: (?:news|stories|articles|coverage|videos?))?) on (?:the )?"
    r"[\w.'&-]+(?: [\w.'&-]+){0,2}:?$",
    r"^(?:also read|mehr zum thema|lesen sie auch|à lire aussi|lea también|leggi anche)\b",
    r"^(?:das könnte sie auch interessieren|weitere (?:artikel|nachrichten|meldungen)|"
    r"ähnliche artikel|verwandte (?:artikel|themen)|vous aimerez aussi|sur le même sujet|"
    r"(?:noticias|artículos) relacionad[oa]s|articoli correlati|notizie correlate)\b",
)
# 'Read also: <headline>', 'Lea también: <titular>': a link to another story, not text.
_READ_ALSO = _rx(
    r"^(?:read|see|lea|lee|lesen sie|lire|leggi)"
    r"(?: (?:also|more|también|además|auch|aussi|anche))?\s*:\s*\S"
)
_NAVIGATION = _rx(
    r"^skip to (?:main )?(?:content|navigation)$",
    r"^(?:home|menu|search|sign in|log ?in|log ?out|"
    r"register|subscribe|subscribe now|my account|sections|all sections|close|back to top|"
    r"next|previous|more)$",
    r"^(?:startseite|accueil|inicio|suche|rechercher|buscar)$",
    r"^(?:weiter|zurück|weiterlesen|mehr lesen|mehr erfahren|read more|continue reading|"
    r"learn more|lire la suite|en savoir plus|leer más|seguir leyendo|continua a leggere)\W*$",
)
# Lines that say how a page is read, not what it says: reading time, embed placeholders.
_READING = _rx(
    r"^(?:ca\.\s*)?\d+\s*(?:min(?:ute)?s?|minuten)\.?\s*(?:read|lesezeit|de lecture|lectura|"
    r"lettura|reading)?$",
    r"^(?:lesezeit|reading time|temps de lecture|tiempo de lectura|tempo di lettura)\s*:?\s*"
    r"(?:ca\.\s*)?\d+\s*(?:min(?:ute)?s?|minuten)\b",
    r"^(?:externer inhalt|empfohlener redaktioneller inhalt|embedded content|contenu externe|"
    r"contenido externo|third[- ]party content)$",
)
_FOOTER = _rx(
    r"\bprivacy (?:policy|notice|settings)\b",
    r"\bterms (?:of (?:use|service)|and conditions)\b",
    r"^(?:contact us|about us|sitemap|accessibility|careers|advertise with us|imprint|impressum|"
    r"datenschutz|mentions légales|aviso legal)$",
)
_QUOTED = re.compile(r"[\"“”«»„][^\"“”«»„]{0,400}[\"“”«»„]")
# A picture's credit: "(Foto: Getty)" or "(REUTERS/Jane Doe)" closing a caption, "Photograph by
# ..." opening one, or a picture agency after a slash ("Augusta National/Getty Images").
_PICTURE_WORD = (
    r"(?:fotos?|photos?|photograph|photography|bild(?:er)?|images?|credits?|crédits?|créditos?"
    r"|zdjęcie|fot)"
)
_AGENCY = (
    r"(?:getty images|reuters|afp|ap photo|ap|dpa|epa(?:-efe)?|efe|picture alliance|"
    r"shutterstock|istock(?:photo)?|alamy|keystone|imago|ansa|xinhua|bloomberg)"
)
_STOCK = (
    r"(?:getty images|shutterstock|istock(?:photo)?|alamy|imago|picture alliance|adobe ?stock|"
    r"pixabay|unsplash)(?:\.com)?"
)
# After an agency's slash comes the photographer's name ("(REUTERS/Denis Balibouse)"), where a
# wire story's closing "(dpa/gem)" has the editor's initials.
_CAPTION_CREDIT = re.compile(
    rf"(?i:\(\s*{_PICTURE_WORD}\s*:[^()]{{1,80}}\)\.?\s*$)"
    rf"|\(\s*(?i:{_AGENCY})\s*/\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)+\s*\)\.?\s*$"
    rf"|(?i:^{_PICTURE_WORD}\s*(?:by\b|:))"
    rf"|(?i:\w\s*/\s*{_STOCK}(?:\s*(?:via|/)[^()]{{0,40}})?\)?\.?\s*$)"
    rf"|(?i:^(?:©\s*)?{_STOCK}(?:\s*/\s*[\w .-]{{1,40}})?$)",
)
_CAPTION_MAX_WORDS = 60
# A comment form's own text ("Your email address will not be published. Required fields are
# marked *", "Your comment has been saved. Comments are moderated ..."): comments furniture.
_COMMENT_FORM = _rx(
    r"\byour (?:email|e-mail)(?: address)? will (?:not|never) be (?:published|shared|displayed)",
    r"\brequired fields are marked\b",
    r"\byour comment (?:has|could|is|was|will)(?: not)?(?: yet)? (?:been |be )?"
    r"(?:posted|saved|submitted|awaiting|moderated)",
    r"\bcomments are (?:moderated|closed)\b",
    r"\bthe letters and numbers you entered\b",
    r"\b(?:log|sign) in to (?:reply|comment|post a comment)\b",
    r"\bcomments (?:are|is) owned by (?:whoever|the (?:poster|person))",
    r"\bcomments powered by disqus\b",
)
_COMMENT_FORM_TRIGGER = frozenset(
    ("comment", "comments", "fields", "email", "letters", "log", "sign")
)
_COMMENT_FORM_MAX_WORDS = 40
# Rights notices that are no copyright line: a site's trademarks, a reprint's terms of use.
_RIGHTS_NOTICE = _rx(
    r"\b(?:are|is) (?:the )?(?:registered )?trademarks? of\b",
    r"\bfor your personal,? non-commercial use only\b",
    r"\border presentation-ready copies\b",
)
_RIGHTS_TRIGGER = frozenset(("trademark", "trademarks", "commercial", "presentation"))
# A post's own notices, in the wording blog software and news sites print under or beside every
# article: the filing line ("This entry was posted on ... and is filed under ..."), the feed and
# trackback line, a disclaimer, a print-edition note, an external-links notice.
_NOTICE = _rx(
    r"\bthis (?:entry|post|article) was posted (?:on|in|by)\b",
    r"\byou can follow any (?:responses|comments) to this (?:entry|post)\b",
    r"\byou can (?:leave a response|skip to the end)\b",
    r"\bboth comments and pings are (?:currently )?closed\b",
    r"^(?:disclaimer|disclosure)\s*:",
    r"\bthe (?:views|opinions) expressed (?:here|on this (?:site|blog)|in this (?:blog|post))\b",
    # 'appeared in print', or as the Wall Street Journal words it ('A version of this article
    # appeared July 24, 2012, on page A2 in the U.S. edition of The Wall Street Journal, ...').
    r"\ba version of this (?:article|story|review) appear(?:s|ed)\b"
    r"(?: in print\b|.{0,40}\bon page \w+ (?:in|of) the\b)",
    # A writer's address under the article, as Dow Jones prints it ('Write to Siobhan Gorman at
    # siobhan.gorman@wsj.com'), one writer or several.
    r"^write to (?:[\w.'\u2019-]+ ){1,4}at [\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"\bexternal (?:links|sites) are provided for reference\b",
    r"\bis not responsible for the content of external\b",
    # The German site's disclaimers: no liability for linked pages ('Trotz sorgfältiger
    # inhaltlicher Kontrolle übernehmen wir keine Haftung für die Inhalte externer Links'),
    # no guarantee for the figures ('Alle Angaben ohne Gewähr'), links marked as paid.
    r"\btrotz sorgfältiger inhaltlicher kontrolle\b",
    r"\bkeine haftung für die inhalte externer\b",
    r"^\W*(?:alle )?angaben ohne gewähr\W*$",
    r"\bkennzeichnen wir mit einem sternchen\b",
    # A post's tag or category line ('Labels: fascism, documentary', 'Filed under: Apps').
    r"^(?:labels|tags|tagged(?: with| as)?|categories|category|filed (?:under|in)|posted in|"
    r"topics)\s*:\s*\w",
)
# Each notice's rarest word: a block without one skips the patterns.
_NOTICE_TRIGGER = frozenset(
    {
        "posted",
        "responses",
        "response",
        "pings",
        "disclaimer",
        "disclosure",
        "expressed",
        "print",
        "version",
        "write",
        "reference",
        "external",
        "labels",
        "tags",
        "tagged",
        "categories",
        "category",
        "filed",
        "topics",
        "sorgfältiger",
        "haftung",
        "gewähr",
        "sternchen",
    }
)
_NOTICE_MAX_WORDS = 80
_RIGHTS_MAX_WORDS = 250
_NOTIFY_MAX_WORDS = 45


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words without which a family's patterns cannot match: a block that holds none of them skips
# the family's regexes (most blocks hold none, so classify stays cheap).
_TRIGGERS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "cookie": "cookie cookies accept reject manage datenschutzeinstellungen alle tout "
        "aceptar rechazar accetta rifiuta alles",
        "newsletter": "newsletter newsletters sign delivered subscribe enter email i",
        "promo": "our brought get download install subscribe sign click free us do unlimited "
        "limited miss special become support jetzt abonnez please view read continue follow "
        "thank registrieren anmelden unterstützen unterstütze amazon affiliate participates "
        "participate letter letters jede spende spenden donate make rely faire apps straight "
        "latest hear send email mail immediate instant already",
        "share": "share click facebook twitter x linkedin whatsapp email e print copy pinterest "
        "reddit telegram messenger teilen partager compartir condividi compartilhar delen",
        "comments": "comment comments leave join show kommentar kommentare commentaire "
        "commentaires comentario comentarios commenti commento reacties reactions wird "
        "reblogged liked",
        "related": "related read see more you recommended most trending top latest what also "
        "mehr lesen à lea leggi das weitere ähnliche verwandte vous sur noticias artículos "
        "articoli notizie lee lire explore",
        "navigation": "skip home menu search sign log login logout register subscribe my "
        "sections all close back next previous more startseite accueil inicio suche "
        "rechercher buscar weiter zurück weiterlesen mehr read continue learn lire savoir leer "
        "seguir continua",
        "reading": "min mins minute minutes minuten lesezeit reading lecture lectura lettura "
        "externer empfohlener embedded contenu contenido third",
        "footer": "privacy terms contact about sitemap accessibility careers advertise imprint "
        "impressum datenschutz mentions aviso",
    }.items()
}
# Banners, credits and copyright lines name a market, a credit verb or a rights word.
_BANNER_TRIGGER = _words(
    "market markets markt märkte börse börsen marché marchés bourse bourses mercado mercados "
    "bolsa bolsas mercato mercati borsa borse after pre premarket vorbörslich "
    "nachbörslich"
)
_CREDIT_TRIGGER = _words(
    "originally first republished reprinted reproduced distributed syndicated provided source "
    "quelle fuente fonte źródło this"
)
_COPYRIGHT_TRIGGER = _words("copyright c rights droits rechte derechos")
_NOTIFY_TRIGGER = _words(
    "notification notifications benachrichtigung benachrichtigungen notificaciones notifiche"
)
_CAPTION_TRIGGER = _words(
    "foto fotos photo photos photograph photography bild bilder image images credit credits "
    "crédit crédits crédito créditos zdjęcie fot getty reuters afp ap dpa epa efe "
    "alliance shutterstock istock istockphoto alamy keystone imago ansa xinhua bloomberg "
    "adobe adobestock pixabay unsplash"
)
_ANY_TRIGGER = frozenset().union(*_TRIGGERS.values())
_READ_ALSO_TRIGGER = _words("read see lea lee lesen lire leggi")
# Long blocks (over 12 words) can only be cookie notices, newsletter calls, promos or links.
_LONG_TRIGGERS = (
    _TRIGGERS["cookie"] | _TRIGGERS["newsletter"] | _TRIGGERS["promo"] | _READ_ALSO_TRIGGER
)
_SHORT_TRIGGERS = _ANY_TRIGGER
# The newsletter patterns' words; 'i' counts only beside 'consent' ('I consent to receive').
_NEWSLETTER_WORDS = _TRIGGERS["newsletter"] - {"i"}
_ALL_TRIGGERS = (
    _ANY_TRIGGER
    | _READ_ALSO_TRIGGER
    | _BANNER_TRIGGER
    | _CREDIT_TRIGGER
    | _COPYRIGHT_TRIGGER
    | _CAPTION_TRIGGER
    | _NOTIFY_TRIGGER
    | _COMMENT_FORM_TRIGGER
    | _RIGHTS_TRIGGER
    | _NOTICE_TRIGGER
    | _FOLLOW_TRIGGER
    | _NOSCRIPT_TRIGGER
)
# What a site puts where it cuts another page's excerpt: a blog engine's '[...]' ('[…]'),
# a link on to the rest ('more »', 'Continue reading →', 'Read more >>').
_TEASER_END = re.compile(
    r"(?:\[\s*(?:\.\.\.|…|&hellip;)\s*\]"
    r"|\b(?:read more|more|continue reading|weiterlesen|lire la suite|leer más)\s*(?:»|›|→|>>|>)"
    r"|\bcontinue reading(?: →)?|\bread (?:the )?full (?:story|article|post))\s*$",
    re.IGNORECASE,
)
_TEASER_TAIL = 24
# The last characters those ends can have: every other block skips the regex.
_TEASER_LAST = frozenset("]»›→>gGyYeEtT")
_TEASER_MIN_WORDS = 6  # a bare 'Read more »' is navigation
_NON_WORD = re.compile(r"[^\w\s]")
_QUOTE_CHARS = frozenset('"“”«»„')
_AD_MAX_CHARS = max(len(m) for m in _AD_MARKERS) + 8


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text) if not _QUOTE_CHARS.isdisjoint(text) else text


def normalise(text: str) -> str:
    """Casefolded words only: 'ADVERTISEMENT -' and 'Advertisement' compare equal."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def names_its_link(text: str) -> bool:
    """A 'Read also: <headline>' line: a link itself, not a heading over a list of them."""
    return _READ_ALSO.search(text) is not None


def classify(block: Block) -> BlockKind | None:
    """The furniture kind of a block, or None when it may be article text."""
    return classify_text(block.text)


@lru_cache(maxsize=8192)
def classify_text(text: str) -> BlockKind | None:
    """classify() of a block with this text."""
    # Cached by text: menus, footers and share rows repeat within a page and across a site's
    # pages, and the answer depends on the text alone. Bounded, so memory stays flat.
    if text.isascii():  # folded_tokens(text), inlined for the common case
        found = text.encode("ascii").translate(ASCII_WORD_BYTES).decode("ascii").split()
    else:
        found = folded_tokens(text)
    if len(text) <= _AD_MAX_CHARS and " ".join(found) in _AD_MARKERS:
        return BlockKind.AD
    if (
        text[-1:] in _TEASER_LAST
        and len(found) >= _TEASER_MIN_WORDS
        and _TEASER_END.search(text[-_TEASER_TAIL:])
    ):
        return BlockKind.RELATED  # an excerpt cut with '[...]' or 'more »': a teaser
    # The block's cue words: every family's trigger set below is a part of _ALL_TRIGGERS, so
    # testing these few stands for testing all the block's words (a paragraph's fifty, a
    # dozen times over, cost more than the patterns).
    tokens = _ALL_TRIGGERS.intersection(found)
    if not tokens and "\u00a9" not in text:
        return None  # no family's cue word: the common case, decided without a regex
    words = len(text.split())
    if words <= 10 and not tokens.isdisjoint(_BANNER_TRIGGER) and is_market_status(text):
        return BlockKind.MARKET_STATUS
    # syndication_origin refuses blocks over its word limit: they skip the call.
    if (
        words <= MAX_CREDIT_WORDS
        and not tokens.isdisjoint(_CREDIT_TRIGGER)
        and syndication_origin(text)
    ):
        return BlockKind.SYNDICATION
    if (not tokens.isdisjoint(_COPYRIGHT_TRIGGER) or "\u00a9" in text) and is_copyright(text):
        return BlockKind.COPYRIGHT
    if (
        words <= _CAPTION_MAX_WORDS
        and not tokens.isdisjoint(_CAPTION_TRIGGER)
        and _CAPTION_CREDIT.search(text.strip())
    ):
        return BlockKind.CAPTION
    if (
        words <= _NOTIFY_MAX_WORDS
        and not tokens.isdisjoint(_NOTIFY_TRIGGER)
        and _NOTIFY.search(text)
    ):
        return BlockKind.PROMO
    if (
        words <= _NOSCRIPT_MAX_WORDS
        and not tokens.isdisjoint(_NOSCRIPT_TRIGGER)
        and _NOSCRIPT.search(text)
    ):
        return BlockKind.OTHER
    if (
        words <= _FOLLOW_MAX_WORDS
        and not tokens.isdisjoint(_FOLLOW_TRIGGER)
        and _FOLLOW.search(text)
    ):
        return BlockKind.PROMO
    if (
        words <= _COMMENT_FORM_MAX_WORDS
        and not tokens.isdisjoint(_COMMENT_FORM_TRIGGER)
        and _COMMENT_FORM.search(text)
    ):
        return BlockKind.COMMENTS
    if (
        words <= _RIGHTS_MAX_WORDS
        and not tokens.isdisjoint(_RIGHTS_TRIGGER)
        and _RIGHTS_NOTICE.search(text)
    ):
        return BlockKind.FOOTER  # not the page's copyright line: no holder, no year
    if (
        words <= _NOTICE_MAX_WORDS
        and not tokens.isdisjoint(_NOTICE_TRIGGER)
        and _NOTICE.search(text)
    ):
        return BlockKind.FOOTER
    if tokens.isdisjoint(_SHORT_TRIGGERS if words <= 12 else _LONG_TRIGGERS):
        return None
    # Quoted speech is no cue; stripping it costs, so only blocks with a cue word pay, once.
    unquoted: str | None = None
    if words <= 60 and not tokens.isdisjoint(_TRIGGERS["cookie"]):
        unquoted = _unquoted(text)
        if _COOKIE.search(unquoted):
            return BlockKind.COOKIE
    if words <= 40 and (
        not tokens.isdisjoint(_NEWSLETTER_WORDS) or ("i" in tokens and "consent" in found)
    ):
        unquoted = unquoted or _unquoted(text)
        if _NEWSLETTER.search(unquoted):
            return BlockKind.NEWSLETTER
    promo = _TRIGGERS["promo"]
    # Two cues in a long block need two cue words (the matches do not overlap).
    cue_words = tokens & promo
    # Two cue words in the block: two different ones, or one of them twice.
    if (
        cue_words
        and (words <= 12 or len(cue_words) >= 2 or found.count(next(iter(cue_words))) >= 2)
        and (possible := _possible_promos(_PROMO_NEED_WORDS.intersection(found)))
    ):
        unquoted = unquoted or _unquoted(text)
        # Matching casefolded text without IGNORECASE is three times faster, same matches.
        cues = _promo_folded(possible).finditer(unquoted.casefold())
        promo_cues = len({m.group(0) for m in cues})
        if promo_cues >= 2 or (promo_cues == 1 and words <= 12):
            return BlockKind.PROMO
    if words <= 30 and not tokens.isdisjoint(_READ_ALSO_TRIGGER) and _READ_ALSO.search(text):
        return BlockKind.RELATED
    if words > 12:
        return None
    norm = " ".join(found)
    if (
        words <= 8
        and not tokens.isdisjoint(_TRIGGERS["share"])
        and _SHARE.search(norm if words <= 2 else text)
    ):
        return BlockKind.SHARE
    if words <= 8 and not tokens.isdisjoint(_TRIGGERS["comments"]) and _COMMENTS.search(text):
        return BlockKind.COMMENTS
    if words <= 8 and not tokens.isdisjoint(_TRIGGERS["related"]) and _RELATED.search(text.strip()):
        return BlockKind.RELATED
    if words <= 4 and not tokens.isdisjoint(_TRIGGERS["navigation"]) and _NAVIGATION.search(norm):
        return BlockKind.NAVIGATION
    if words <= 8 and not tokens.isdisjoint(_TRIGGERS["reading"]) and _READING.search(text.strip()):
        return BlockKind.OTHER
    if not tokens.isdisjoint(_TRIGGERS["footer"]) and _FOOTER.search(text):
        return BlockKind.FOOTER
    return None
