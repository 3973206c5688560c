/*
 * qualkit._ctokenize: the compiled twin of qualkit._tokenize._tokenize_python.
 *
 * It finds exactly the tokens of qualkit.nlp.TOKEN_RE,
 *
 *     \w+(?:['’‘`´\-‐‑]\w+)*
 *
 * with re.finditer semantics (leftmost, greedy, non-overlapping). Because a
 * separator is never a word character, the greedy match needs no
 * backtracking: a token is a run of word characters, extended over one
 * separator at a time as long as a word character follows it.
 *
 * "Word character" is CPython's sre definition for str patterns:
 * Py_UNICODE_ISALNUM(ch) || ch == '_'. Using the same C macro keeps the two
 * implementations equal on every Unicode version CPython ships.
 *
 * tokenize(texts, vocab) returns three bytearrays of native-endian numbers:
 * int32 form ids, int32 start offsets, int64 bounds. The Python wrapper views
 * them with numpy.frombuffer, so this file needs no numpy headers.
 *
 * char_bits(texts, lut) returns one native uint64 per text: the OR of
 * lut[ord(ch)] over its characters (0 for a character beyond the table), the
 * twin of qualkit._tokenize._char_bits_python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* Word-character table for code points below 256, filled at import from the
 * same test as the slow path, so the fast path cannot disagree with it. */
static unsigned char latin1_word[256];

static inline int
is_word(Py_UCS4 ch)
{
    if (ch < 256) {
        return latin1_word[ch];
    }
    return Py_UNICODE_ISALNUM(ch) || ch == '_';
}

static inline int
is_separator(Py_UCS4 ch)
{
    switch (ch) {
    case 0x0027: /* ' */
    case 0x2019: /* ’ */
    case 0x2018: /* ‘ */
    case 0x0060: /* ` */
    case 0x00B4: /* ´ */
    case 0x002D: /* - */
    case 0x2010: /* ‐ */
    case 0x2011: /* ‑ */
        return 1;
    default:
        return 0;
    }
}

/* A growable array of fixed-size items (4 or 8 bytes). */
typedef struct {
    char *data;
    Py_ssize_t len;     /* items in use */
    Py_ssize_t cap;     /* items allocated */
    Py_ssize_t itemsize;
} buffer;

static int
buffer_reserve(buffer *b, Py_ssize_t need)
{
    if (need <= b->cap) {
        return 0;
    }
    Py_ssize_t cap = b->cap ? b->cap : 1024;
    while (cap < need) {
        if (cap > PY_SSIZE_T_MAX / 2 / b->itemsize) {
            PyErr_NoMemory();
            return -1;
        }
        cap *= 2;
    }
    char *data = PyMem_Realloc(b->data, (size_t)(cap * b->itemsize));
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

static int
push_int32(buffer *b, int32_t value)
{
    if (buffer_reserve(b, b->len + 1) < 0) {
        return -1;
    }
    ((int32_t *)b->data)[b->len++] = value;
    return 0;
}

static int
push_int64(buffer *b, int64_t value)
{
    if (buffer_reserve(b, b->len + 1) < 0) {
        return -1;
    }
    ((int64_t *)b->data)[b->len++] = value;
    return 0;
}

static PyObject *
buffer_to_bytearray(const buffer *b)
{
    return PyByteArray_FromStringAndSize(b->data ? b->data : "", b->len * b->itemsize);
}

/* A cache of the forms met in this call, keyed by their characters as they lie
 * in the texts (kind and bytes), so that a form seen before costs a hash and a
 * memcmp instead of a new str object and a dict look-up. The texts are held by
 * the caller for the whole call, so the pointers stay valid. A form met in
 * texts of different kinds (an ASCII word in a text with a euro sign) has one
 * entry per kind; both carry the id the dict gave, so the ids are the same. */
typedef struct {
    uint64_t hash;
    const void *data;   /* NULL: empty slot */
    Py_ssize_t len;
    int kind;
    int32_t id;
} slot;

typedef struct {
    slot *slots;
    Py_ssize_t mask;    /* size - 1, size a power of two */
    Py_ssize_t used;
} form_cache;

static uint64_t
hash_chars(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;  /* FNV-1a */
    for (Py_ssize_t i = start; i < end; i++) {
        h ^= (uint64_t)PyUnicode_READ(kind, data, i);
        h *= 1099511628211ULL;
    }
    return h;
}

static slot *
cache_find(form_cache *c, uint64_t h, int kind, const void *chars, Py_ssize_t len)
{
    Py_ssize_t i = (Py_ssize_t)(h & (uint64_t)c->mask);
    for (;;) {
        slot *e = &c->slots[i];
        if (e->data == NULL) {
            return e;
        }
        if (e->hash == h && e->len == len && e->kind == kind && memcmp(e->data, chars, (size_t)(len * kind)) == 0) {
            return e;
        }
        i = (i + 1) & c->mask;
    }
}

static int
cache_grow(form_cache *c)
{
    Py_ssize_t size = c->slots ? (c->mask + 1) * 2 : 4096;
    slot *slots = PyMem_Calloc((size_t)size, sizeof(slot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    form_cache bigger = {slots, size - 1, 0};
    for (Py_ssize_t i = 0; c->slots && i <= c->mask; i++) {
        slot *e = &c->slots[i];
        if (e->data != NULL) {
            *cache_find(&bigger, e->hash, e->kind, e->data, e->len) = *e;
            bigger.used++;
        }
    }
    PyMem_Free(c->slots);
    *c = bigger;
    return 0;
}

/* The id of `form`: its value in vocab, or len(vocab), stored under it. */
static int
form_id(PyObject *vocab, PyObject *form, int32_t *id)
{
    PyObject *value = PyDict_GetItemWithError(vocab, form);  /* borrowed */
    if (value == NULL) {
        if (PyErr_Occurred()) {
            return -1;
        }
        Py_ssize_t next = PyDict_GET_SIZE(vocab);
        if (next > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError,
                            "tokenize: more than 2**31 distinct word forms do not fit the int32 ids");
            return -1;
        }
        PyObject *number = PyLong_FromSsize_t(next);
        if (number == NULL) {
            return -1;
        }
        int rc = PyDict_SetItem(vocab, form, number);
        Py_DECREF(number);
        if (rc < 0) {
            return -1;
        }
        *id = (int32_t)next;
        return 0;
    }
    if (!PyIndex_Check(value)) {
        PyErr_Format(PyExc_TypeError,
                     "tokenize: vocab[%R] is %.100s, expected an int id",
                     form, Py_TYPE(value)->tp_name);
        return -1;
    }
    long long number = PyLong_AsLongLong(value);
    if (number == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (number < INT32_MIN || number > INT32_MAX) {
        PyErr_Format(PyExc_OverflowError,
                     "tokenize: vocab[%R] = %lld does not fit an int32 id", form, number);
        return -1;
    }
    *id = (int32_t)number;
    return 0;
}

/* Append the tokens of one text to ids and starts. */
static int
tokenize_text(PyObject *text, PyObject *vocab, form_cache *cache, buffer *ids, buffer *starts)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return -1;
    }
#endif
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t i = 0;

    while (i < n) {
        if (!is_word(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        const Py_ssize_t start = i++;
        for (;;) {
            while (i < n && is_word(PyUnicode_READ(kind, data, i))) {
                i++;
            }
            /* a separator joins two runs only when a word character follows it */
            if (i + 1 < n && is_separator(PyUnicode_READ(kind, data, i))
                    && is_word(PyUnicode_READ(kind, data, i + 1))) {
                i += 2;
                continue;
            }
            break;
        }
        if (start > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError,
                            "tokenize: a token starts beyond character 2**31 of its text; "
                            "int32 offsets cannot hold it");
            return -1;
        }
        const void *chars = (const char *)data + start * kind;
        const uint64_t h = hash_chars(kind, data, start, i);
        slot *e = cache_find(cache, h, kind, chars, i - start);
        int32_t id;
        if (e->data != NULL) {
            id = e->id;
        }
        else {
            PyObject *form = PyUnicode_Substring(text, start, i);
            if (form == NULL) {
                return -1;
            }
            int rc = form_id(vocab, form, &id);
            Py_DECREF(form);
            if (rc < 0) {
                return -1;
            }
            *e = (slot){h, chars, i - start, kind, id};
            if (++cache->used * 2 > cache->mask + 1 && cache_grow(cache) < 0) {
                return -1;
            }
        }
        if (push_int32(ids, id) < 0 || push_int32(starts, (int32_t)start) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Set the TypeError tokenize and char_bits give for a text that is not a str:
 * type.__name__, as the Python twins say it (tp_name may carry a module). */
static void
not_a_str(const char *function, Py_ssize_t k, PyObject *item)
{
    PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(item), "__name__");
    if (name != NULL) {
        PyErr_Format(PyExc_TypeError, "%s: texts[%zd] is %S, expected str", function, k, name);
        Py_DECREF(name);
    }
}

static PyObject *
ctokenize(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *texts, *vocab;
    if (!PyArg_ParseTuple(args, "OO!:tokenize", &texts, &PyDict_Type, &vocab)) {
        return NULL;
    }
    /* a tuple of our own: every text stays alive for the whole call (the form cache points into them) */
    PyObject *seq = PySequence_Fast(texts, "tokenize: texts must be a sequence of str");
    if (seq != NULL && !PyTuple_Check(seq)) {
        PyObject *copy = PySequence_Tuple(seq);
        Py_DECREF(seq);
        seq = copy;
    }
    if (seq == NULL) {
        return NULL;
    }
    buffer ids = {NULL, 0, 0, sizeof(int32_t)};
    buffer starts = {NULL, 0, 0, sizeof(int32_t)};
    buffer bounds = {NULL, 0, 0, sizeof(int64_t)};
    form_cache cache = {NULL, 0, 0};
    PyObject *result = NULL;
    if (cache_grow(&cache) < 0) {
        Py_DECREF(seq);
        return NULL;
    }

    const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    if (buffer_reserve(&bounds, count + 1) < 0 || push_int64(&bounds, 0) < 0) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *text = PySequence_Fast_GET_ITEM(seq, k);  /* borrowed */
        if (!PyUnicode_Check(text)) {
            not_a_str("tokenize", k, text);
            goto done;
        }
        int rc = tokenize_text(text, vocab, &cache, &ids, &starts);  /* the tuple holds text */
        if (rc < 0 || push_int64(&bounds, (int64_t)ids.len) < 0) {
            goto done;
        }
    }
    PyObject *ids_out = buffer_to_bytearray(&ids);
    PyObject *starts_out = ids_out ? buffer_to_bytearray(&starts) : NULL;
    PyObject *bounds_out = starts_out ? buffer_to_bytearray(&bounds) : NULL;
    if (bounds_out != NULL) {
        result = PyTuple_Pack(3, ids_out, starts_out, bounds_out);
    }
    Py_XDECREF(ids_out);
    Py_XDECREF(starts_out);
    Py_XDECREF(bounds_out);

done:
    PyMem_Free(cache.slots);
    PyMem_Free(ids.data);
    PyMem_Free(starts.data);
    PyMem_Free(bounds.data);
    Py_DECREF(seq);
    return result;
}

/* lut[ch] of a table of native uint64 at any alignment (a bytes object's data
 * need not be 8-aligned); memcpy of 8 bytes compiles to one load. */
static inline uint64_t
lut_at(const char *lut, Py_UCS4 ch)
{
    uint64_t value;
    memcpy(&value, lut + (size_t)ch * sizeof(uint64_t), sizeof(uint64_t));
    return value;
}

/* One loop per string kind, so the compiler sees a fixed character width;
 * when the table covers every character the kind can hold, no bound check. */
#define OR_BITS(CHAR_T, KIND_MAX)                                   \
    do {                                                            \
        const CHAR_T *chars = (const CHAR_T *)data;                 \
        if (size > (Py_ssize_t)(KIND_MAX)) {                        \
            for (Py_ssize_t i = 0; i < n; i++) {                    \
                bits |= lut_at(lut, chars[i]);                      \
            }                                                       \
        }                                                           \
        else {                                                      \
            for (Py_ssize_t i = 0; i < n; i++) {                    \
                const Py_UCS4 ch = chars[i];                        \
                if (ch < (Py_UCS4)size) {                           \
                    bits |= lut_at(lut, ch);                        \
                }                                                   \
            }                                                       \
        }                                                           \
    } while (0)

/* The OR of lut[ch] over the characters of one text (size: entries of lut). */
static uint64_t
text_bits(PyObject *text, const char *lut, Py_ssize_t size)
{
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    uint64_t bits = 0;
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        OR_BITS(Py_UCS1, 0xFF);
        break;
    case PyUnicode_2BYTE_KIND:
        OR_BITS(Py_UCS2, 0xFFFF);
        break;
    default:
        OR_BITS(Py_UCS4, 0x10FFFF);
        break;
    }
    return bits;
}

static PyObject *
cchar_bits(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *texts;
    Py_buffer table;
    if (!PyArg_ParseTuple(args, "Oy*:char_bits", &texts, &table)) {
        return NULL;
    }
    PyObject *result = NULL;
    PyObject *seq = NULL;
    if (table.len % (Py_ssize_t)sizeof(uint64_t) != 0) {
        PyErr_Format(PyExc_ValueError,
                     "char_bits: lut has %zd bytes, expected a whole number of uint64 entries (8 bytes each)",
                     table.len);
        goto done;
    }
    seq = PySequence_Fast(texts, "char_bits: texts must be a sequence of str");
    if (seq == NULL) {
        goto done;
    }
    const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    const Py_ssize_t size = table.len / (Py_ssize_t)sizeof(uint64_t);
    if (count > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(uint64_t)) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyByteArray_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(uint64_t));
    if (result == NULL) {
        goto done;
    }
    char *out = PyByteArray_AS_STRING(result);
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *text = PySequence_Fast_GET_ITEM(seq, k);  /* borrowed; seq holds it */
        if (!PyUnicode_Check(text)) {
            not_a_str("char_bits", k, text);
            Py_CLEAR(result);
            goto done;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(text) < 0) {
            Py_CLEAR(result);
            goto done;
        }
#endif
        const uint64_t bits = text_bits(text, (const char *)table.buf, size);
        memcpy(out + k * (Py_ssize_t)sizeof(uint64_t), &bits, sizeof(uint64_t));
    }

done:
    Py_XDECREF(seq);
    PyBuffer_Release(&table);
    return result;
}

static PyMethodDef methods[] = {
    {"tokenize", ctokenize, METH_VARARGS,
     "tokenize(texts, vocab) -> (ids, starts, bounds) as bytearrays of native int32, int32, int64.\n\n"
     "The compiled twin of qualkit._tokenize._tokenize_python; vocab must be a dict."},
    {"char_bits", cchar_bits, METH_VARARGS,
     "char_bits(texts, lut) -> bytearray of native uint64, one per text: the OR of lut[ord(ch)] over its\n"
     "characters (0 beyond the table). lut: a bytes-like object of native uint64.\n\n"
     "The compiled twin of qualkit._tokenize._char_bits_python."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "qualkit._ctokenize",
    "Compiled tokenizer and per-text character bits for qualkit._tokenize (same tokens as qualkit.nlp.TOKEN_RE).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__ctokenize(void)
{
    for (Py_UCS4 ch = 0; ch < 256; ch++) {
        latin1_word[ch] = (unsigned char)(Py_UNICODE_ISALNUM(ch) || ch == '_');
    }
    return PyModule_Create(&module_def);
}
