/*
 * qualkit._cforms: the compiled twin of qualkit._forms._KeyTablePython.
 *
 * A KeyTable holds distinct keys (str) in a trie over code points, and
 * answers for many words at once which keys are a prefix of each word
 * (prefixes) or occur anywhere in it (substrings). Built with reverse=True,
 * the keys and the words are read from their last character back, so
 * "prefix" means "suffix" (the key as written, not reversed).
 *
 * The trie's edges live in one open-addressing hash table keyed by
 * (parent node, code point): a step costs one multiply and, almost always,
 * one probe, for any alphabet (ASCII, Latin-1, CJK, emoji).
 *
 * Both methods return two bytearrays of native int32: the word index and the
 * key index of every hit, word after word (ascending); within a word,
 * prefixes by ascending key length, substrings by start (then length), each
 * key once. The Python wrapper views them with numpy.frombuffer, so this
 * file needs no numpy headers.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    int reverse;
    Py_ssize_t n_keys;
    Py_ssize_t n_nodes;
    int32_t *key_at;        /* per node: the index of the key that ends there, or -1 */
    uint64_t *edge_key;     /* (parent << 21 | code point) + 1; 0: an empty slot */
    int32_t *edge_child;
    uint64_t edge_mask;     /* slots - 1, slots a power of two */
    int edge_shift;         /* 64 - log2(slots), for Fibonacci hashing */
} KeyTable;

static inline uint64_t
edge_of(int32_t node, Py_UCS4 ch)
{
    return (((uint64_t)node << 21) | (uint64_t)ch) + 1;
}

static inline uint64_t
slot_of(const KeyTable *t, uint64_t edge)
{
    return (edge * 0x9E3779B97F4A7C15ULL) >> t->edge_shift;
}

/* The child of node along ch, or -1. */
static inline int32_t
child(const KeyTable *t, int32_t node, Py_UCS4 ch)
{
    const uint64_t edge = edge_of(node, ch);
    uint64_t i = slot_of(t, edge);
    for (;;) {
        const uint64_t e = t->edge_key[i];
        if (e == edge) {
            return t->edge_child[i];
        }
        if (e == 0) {
            return -1;
        }
        i = (i + 1) & t->edge_mask;
    }
}

/* The child of node along ch, made if missing. */
static int32_t
child_or_new(KeyTable *t, int32_t node, Py_UCS4 ch)
{
    const uint64_t edge = edge_of(node, ch);
    uint64_t i = slot_of(t, edge);
    while (t->edge_key[i] != 0) {
        if (t->edge_key[i] == edge) {
            return t->edge_child[i];
        }
        i = (i + 1) & t->edge_mask;
    }
    const int32_t made = (int32_t)t->n_nodes++;
    t->key_at[made] = -1;
    t->edge_key[i] = edge;
    t->edge_child[i] = made;
    return made;
}

static void
keytable_dealloc(KeyTable *t)
{
    PyMem_Free(t->key_at);
    PyMem_Free(t->edge_key);
    PyMem_Free(t->edge_child);
    Py_TYPE(t)->tp_free((PyObject *)t);
}

static int
ready(PyObject *s)
{
#if PY_VERSION_HEX < 0x030C0000
    return PyUnicode_READY(s);
#else
    (void)s;
    return 0;
#endif
}

/* type.__name__ of an object, as the Python twin names it in messages */
static void
type_error(const char *what, Py_ssize_t index, PyObject *item)
{
    PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(item), "__name__");
    if (name != NULL) {
        PyErr_Format(PyExc_TypeError, "KeyTable: %s[%zd] is %S, expected str", what, index, name);
        Py_DECREF(name);
    }
}

static PyObject *
keytable_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"keys", "reverse", NULL};
    PyObject *keys;
    int reverse = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|p:KeyTable", kwlist, &keys, &reverse)) {
        return NULL;
    }
    PyObject *seq = PySequence_Fast(keys, "KeyTable: keys must be a sequence of str");
    if (seq == NULL) {
        return NULL;
    }
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    Py_ssize_t chars = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *key = PySequence_Fast_GET_ITEM(seq, k);
        if (!PyUnicode_Check(key)) {
            type_error("keys", k, key);
            Py_DECREF(seq);
            return NULL;
        }
        if (ready(key) < 0) {
            Py_DECREF(seq);
            return NULL;
        }
        chars += PyUnicode_GET_LENGTH(key);
    }
    if (chars >= INT32_MAX || n >= INT32_MAX) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_OverflowError, "KeyTable: the keys have more than 2**31 characters");
        return NULL;
    }
    KeyTable *t = (KeyTable *)type->tp_alloc(type, 0);
    if (t == NULL) {
        Py_DECREF(seq);
        return NULL;
    }
    t->reverse = reverse;
    t->n_keys = n;
    uint64_t slots = 16;
    int bits = 4;
    while (slots < 2 * (uint64_t)chars + 2) {
        slots *= 2;
        bits++;
    }
    t->edge_mask = slots - 1;
    t->edge_shift = 64 - bits;
    t->key_at = PyMem_Malloc((size_t)(chars + 1) * sizeof(int32_t));
    t->edge_key = PyMem_Calloc((size_t)slots, sizeof(uint64_t));
    t->edge_child = PyMem_Malloc((size_t)slots * sizeof(int32_t));
    if (t->key_at == NULL || t->edge_key == NULL || t->edge_child == NULL) {
        Py_DECREF(seq);
        Py_DECREF(t);
        return PyErr_NoMemory();
    }
    t->n_nodes = 1;
    t->key_at[0] = -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *key = PySequence_Fast_GET_ITEM(seq, k);
        const int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        const Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        int32_t node = 0;
        for (Py_ssize_t j = 0; j < len; j++) {
            node = child_or_new(t, node, PyUnicode_READ(kind, data, reverse ? len - 1 - j : j));
        }
        if (t->key_at[node] >= 0) {
            PyErr_Format(PyExc_ValueError, "KeyTable: keys[%zd] = %R is also keys[%d]; keys must be distinct",
                         k, key, (int)t->key_at[node]);
            Py_DECREF(seq);
            Py_DECREF(t);
            return NULL;
        }
        t->key_at[node] = (int32_t)k;
    }
    Py_DECREF(seq);
    return (PyObject *)t;
}

/* A growable array of int32. */
typedef struct {
    int32_t *data;
    Py_ssize_t len;
    Py_ssize_t cap;
} ints;

static int
push(ints *b, int32_t value)
{
    if (b->len == b->cap) {
        Py_ssize_t cap = b->cap ? b->cap * 2 : 4096;
        int32_t *data = PyMem_Realloc(b->data, (size_t)cap * sizeof(int32_t));
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = data;
        b->cap = cap;
    }
    b->data[b->len++] = value;
    return 0;
}

static PyObject *
pair_arrays(ints *words, ints *keys)
{
    PyObject *a = PyByteArray_FromStringAndSize(words->data ? (char *)words->data : "", words->len * 4);
    PyObject *b = a ? PyByteArray_FromStringAndSize(keys->data ? (char *)keys->data : "", keys->len * 4) : NULL;
    PyObject *out = b ? PyTuple_Pack(2, a, b) : NULL;
    Py_XDECREF(a);
    Py_XDECREF(b);
    return out;
}

/* Walk the words; substrings=0: from the first character only, with at least
 * `rest` characters of the word left over; substrings=1: from every character. */
static PyObject *
walk(KeyTable *t, PyObject *words, Py_ssize_t rest, int substrings)
{
    PyObject *seq = PySequence_Fast(words, "KeyTable: words must be a sequence of str");
    if (seq == NULL) {
        return NULL;
    }
    const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    if (count > INT32_MAX) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_OverflowError, "KeyTable: more than 2**31 words do not fit the int32 indices");
        return NULL;
    }
    ints hit_words = {NULL, 0, 0}, hit_keys = {NULL, 0, 0};
    /* substrings: the word (+1) a key was last found in, so that each key is reported once per word */
    int32_t *seen = substrings ? PyMem_Calloc((size_t)t->n_keys + 1, sizeof(int32_t)) : NULL;
    PyObject *result = NULL;
    if (substrings && seen == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    const int32_t root_key = t->key_at[0];  /* the empty key, if it is one */
    for (Py_ssize_t w = 0; w < count; w++) {
        PyObject *word = PySequence_Fast_GET_ITEM(seq, w);
        if (!PyUnicode_Check(word)) {
            type_error("words", w, word);
            goto done;
        }
        if (ready(word) < 0) {
            goto done;
        }
        const int kind = PyUnicode_KIND(word);
        const void *data = PyUnicode_DATA(word);
        const Py_ssize_t n = PyUnicode_GET_LENGTH(word);
        const int reverse = t->reverse;
        if (!substrings) {
            const Py_ssize_t longest = n - rest;  /* the longest key that leaves `rest` characters */
            if (root_key >= 0 && longest >= 0
                    && (push(&hit_words, (int32_t)w) < 0 || push(&hit_keys, root_key) < 0)) {
                goto done;
            }
            int32_t node = 0;
            for (Py_ssize_t j = 0; j < longest; j++) {
                node = child(t, node, PyUnicode_READ(kind, data, reverse ? n - 1 - j : j));
                if (node < 0) {
                    break;
                }
                const int32_t k = t->key_at[node];
                if (k >= 0 && (push(&hit_words, (int32_t)w) < 0 || push(&hit_keys, k) < 0)) {
                    goto done;
                }
            }
            continue;
        }
        if (root_key >= 0 && (push(&hit_words, (int32_t)w) < 0 || push(&hit_keys, root_key) < 0)) {
            goto done;
        }
        for (Py_ssize_t s = 0; s < n; s++) {
            int32_t node = 0;
            for (Py_ssize_t j = s; j < n; j++) {
                node = child(t, node, PyUnicode_READ(kind, data, reverse ? n - 1 - j : j));
                if (node < 0) {
                    break;
                }
                const int32_t k = t->key_at[node];
                if (k >= 0 && seen[k] != (int32_t)w + 1) {
                    seen[k] = (int32_t)w + 1;
                    if (push(&hit_words, (int32_t)w) < 0 || push(&hit_keys, k) < 0) {
                        goto done;
                    }
                }
            }
        }
    }
    result = pair_arrays(&hit_words, &hit_keys);
done:
    PyMem_Free(seen);
    PyMem_Free(hit_words.data);
    PyMem_Free(hit_keys.data);
    Py_DECREF(seq);
    return result;
}

static PyObject *
keytable_prefixes(KeyTable *t, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"words", "rest", NULL};
    PyObject *words;
    Py_ssize_t rest = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|n:prefixes", kwlist, &words, &rest)) {
        return NULL;
    }
    if (rest < 0) {
        PyErr_Format(PyExc_ValueError, "KeyTable.prefixes: rest is %zd, expected 0 or more", rest);
        return NULL;
    }
    return walk(t, words, rest, 0);
}

static PyObject *
keytable_substrings(KeyTable *t, PyObject *words)
{
    return walk(t, words, 0, 1);
}

static Py_ssize_t
keytable_len(KeyTable *t)
{
    return t->n_keys;
}

static PyMethodDef keytable_methods[] = {
    {"prefixes", (PyCFunction)(void (*)(void))keytable_prefixes, METH_VARARGS | METH_KEYWORDS,
     "prefixes(words, rest=0) -> (word indices, key indices) as bytearrays of native int32.\n\n"
     "Every key that starts each word (ends it, for a reverse table) with at least rest\n"
     "characters of the word left over."},
    {"substrings", (PyCFunction)keytable_substrings, METH_O,
     "substrings(words) -> (word indices, key indices): every key that occurs in each word, once."},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods keytable_as_sequence = {
    .sq_length = (lenfunc)keytable_len,
};

static PyTypeObject KeyTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "qualkit._cforms.KeyTable",
    .tp_basicsize = sizeof(KeyTable),
    .tp_dealloc = (destructor)keytable_dealloc,
    .tp_as_sequence = &keytable_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "KeyTable(keys, reverse=False): distinct str keys in a trie (see qualkit._forms).",
    .tp_methods = keytable_methods,
    .tp_new = keytable_new,
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "qualkit._cforms",
    "Compiled key tables for qualkit._forms: which keys start, end or occur in many words at once.",
    -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__cforms(void)
{
    if (PyType_Ready(&KeyTableType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&KeyTableType);
    if (PyModule_AddObject(m, "KeyTable", (PyObject *)&KeyTableType) < 0) {
        Py_DECREF(&KeyTableType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
