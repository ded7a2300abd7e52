"""Text that comes from data or from the URL, shown as text.

Streamlit renders Markdown (with KaTeX, colour directives such as
``:red[x]``, icon and emoji shortcodes, GitHub autolinks, and raw HTML where
``unsafe_allow_html=True``) in ``st.markdown``, titles, headers, captions,
notices, toasts, ``st.table`` cells and every widget, tab, expander, popover,
metric and page-link label. Plotly renders a subset of HTML (``<a href>``,
``<b>``, ``<br>`` ...) in titles, tick labels, text and hover labels.

A unit name, a KPI name, a dictionary field, an acknowledgement, an upload's
file name or a URL parameter must never become a link, an image, a formula
or formatting there. Every such value goes through one of these functions
right where it is put into a text:

* :func:`plain` for anything Streamlit renders as Markdown;
* :func:`html_text` for a value inside ``unsafe_allow_html=True`` Markdown;
* :func:`plot_text` for anything inside a Plotly figure.

Places that show text as text already need nothing, and must get the raw
value (an escaped value would show its backslashes): ``st.dataframe`` and
``st.data_editor`` cells and headers, ``st.code``, the options of a
selectbox, multiselect, radio or segmented control (``format_func``), and
``st.text_input`` values.

The rules of :func:`plain`:

1. ``None`` is ''; anything else is ``str(value)``.
2. Control characters are dropped; line breaks, tabs and runs of white space
   become one space (a Markdown line break could start a heading, a list, a
   quote, a table or a code block; rendered HTML shows one space anyway).
3. An invisible WORD JOINER (U+2060) is put inside the patterns Streamlit
   rewrites after parsing, where no backslash can reach: ``http://``,
   ``https://`` and ``www.`` (GitHub autolinks), ``name@host`` (e-mail
   autolinks), ``:name:`` (emoji, ``:material/icon:``, ``:streamlit:``) and
   the arrows ``->``, ``<-``, ``<->``, ``--``, ``>=``, ``<=``, ``~=`` between
   spaces (shown as typographic arrows otherwise). The reader sees the same
   characters.
4. Every Markdown-significant character gets a backslash: ``\\`` and
   ``` ` * _ ~ [ ] ( ) ! < > & # | $ : ```, so no emphasis, code, strike,
   link, image, raw HTML, entity, heading, quote, table, KaTeX formula or
   ``:colour[...]`` directive can start; a leading ``-``, ``+`` or ``=``
   and the dot of a leading ``1.`` (a list item or a rule) get one too.

Only ASCII punctuation is escaped, which a backslash turns into itself in
CommonMark: the reader sees exactly the characters typed (plus the invisible
joiners of rule 3), and names without those characters are left unchanged.
"""

from __future__ import annotations

import html
import re

WORD_JOINER = "\u2060"

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACE = re.compile(r"[ \t\n\r\v\f\x85\u2028\u2029]+")
_MARKDOWN = re.compile(r"([\\`*_~\[\]()!<>&#|$:])")
_LIST_MARK = re.compile(r"^( ?)([-+=])")
_LIST_NUMBER = re.compile(r"^( ?\d{1,9})\.(?=\s|$)")
# text rewritten by Streamlit after parsing (so backslashes cannot stop it):
_AUTOLINK = re.compile(r"(?i)(https?:)(//)|(www)(\.)")
_EMAIL = re.compile(r"(@)(?=[-\w])")
_SHORTCODE = re.compile(r"(:)(?=[\w+\-][\w+\-/]*:)")
_ARROW = re.compile(r"(?<!\S)([<>~-])(?=(?:->|-|>|=)(?!\S))")


def _normalise(value: object) -> str:
    text = "" if value is None else str(value)
    return _SPACE.sub(" ", _CONTROL.sub("", text))


def _join(text: str) -> str:
    """Put a word joiner inside every pattern rewritten after parsing."""
    text = _AUTOLINK.sub(lambda m: (m[1] or m[3]) + WORD_JOINER + (m[2] or m[4]), text)
    text = _EMAIL.sub(r"\1" + WORD_JOINER, text)
    text = _SHORTCODE.sub(r"\1" + WORD_JOINER, text)
    return _ARROW.sub(r"\1" + WORD_JOINER, text)


def plain(value: object) -> str:
    r"""``value`` as literal text for anything Streamlit renders as Markdown.

    >>> plain("**bold** [x](https://e.example) $x^2$ :red[r] <b>h</b>")
    '\\*\\*bold\\*\\* \\[x\\]\\(https\\:\u2060//e.example\\) \\$x^2\\$ \\:red\\[r\\] \\<b\\>h\\</b\\>'
    >>> plain("Zhiheng Smart Equipment Co., Ltd."), plain("R&D"), plain("1. first\n# second")
    ('Zhiheng Smart Equipment Co., Ltd.', 'R\\&D', '1\\. first \\# second')
    >>> plain(None), plain("销售中心")
    ('', '销售中心')
    """
    text = _MARKDOWN.sub(r"\\\1", _join(_normalise(value)))
    return _LIST_NUMBER.sub(r"\1\\.", _LIST_MARK.sub(r"\1\\\2", text))


_HTML_SIGNIFICANT = re.compile(r"[\\`*_~\[\]()!<>&#|$:\"'=+-]")


def html_text(value: object) -> str:
    """``value`` as literal text inside ``st.markdown(..., unsafe_allow_html=True)``.

    There the body is Markdown and HTML at once, and a value may land in an
    HTML block (where backslashes are not read) or in a paragraph (where
    Markdown is): every significant character becomes a numeric character
    reference, which both read as that character and nothing else.

    >>> html_text('<a href="x">**b**</a> & $y$')
    '&#60;a href&#61;&#34;x&#34;&#62;&#42;&#42;b&#42;&#42;&#60;/a&#62; &#38; &#36;y&#36;'
    """
    text = _HTML_SIGNIFICANT.sub(lambda m: f"&#{ord(m[0])};", _join(_normalise(value)))
    return _LIST_NUMBER.sub(r"\1&#46;", text)


def plot_text(value: object) -> str:
    """``value`` as literal text in a Plotly title, label, tick or hover text.

    >>> plot_text('<a href="https://e.example">x</a> & <b>y</b>')
    '&lt;a href="https://e.example"&gt;x&lt;/a&gt; &amp; &lt;b&gt;y&lt;/b&gt;'
    """
    return html.escape("" if value is None else str(value), quote=False)
