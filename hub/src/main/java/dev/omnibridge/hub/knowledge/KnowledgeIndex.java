package dev.omnibridge.hub.knowledge;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable in-memory Lucene index of a set of entries, swapped whole by the service on every change (a search
 * never sees half an index). One document per entry and language: its question variants and title in field
 * {@code q_<lang>}, its answer in {@code a_<lang>}, analysed by {@link LanguageAnalyzers}; Lucene's BM25 finds the
 * candidate entries for a question (answer words count {@link #ANSWER} as much as question words).
 *
 * <p>The confidence of a candidate is then made comparable across questions (one threshold means the same for a
 * short or a long question, a rare or a common subject), from the question's terms weighted by their BM25 idf in the
 * base ({@code ln(1 + (N - n + 0.5) / (n + 0.5))}, terms the base never uses weigh the most):
 * <ul>
 *   <li><b>question coverage</b>: the share of the question's weight the entry knows (a term of its questions counts
 *       fully, a term only in its answer {@link #ANSWER});</li>
 *   <li><b>variant coverage</b>: the share of the entry's best-matching question variant that the question has.</li>
 * </ul>
 * The confidence is {@code variantCoverage^0.18 * questionCoverage^0.42}: 1 when the question is one of the variants
 * (give or take stop words and word forms), low when most of the question is about something the entry never
 * mentions. The question counts more than the variant (customers add context: "the zipper broke, is that covered by
 * warranty?"); the exponents' sum (0.6) sets the scale so that the default threshold 0.5 separates right answers from
 * questions the base cannot answer (chosen on the corpus of {@code KnowledgeBaseAccuracyTest}, whose figures the
 * build prints). A term matches another exactly, or at {@link #NEAR} when it is a typo away (one edit, 6 letters or
 * more), is the start of the other (4 letters or more: "deliv" of "delivered" in "deliveri" of "delivery"), shares
 * most of its start ("erstatt" of "erstattet" and "erstattung"), or, in German and Dutch, is the head of a compound
 * ("gutschein" in "geschenkgutschein").
 */
final class KnowledgeIndex {
    static final double VARIANT_EXPONENT = 0.18;
    static final double QUESTION_EXPONENT = 0.42;
    /** How much a term found only in an entry's answer counts, next to one of its questions. */
    static final double ANSWER = 0.5;
    /** How much a near term (typo, common start, compound head) counts next to the same term. */
    static final double NEAR = 0.8;
    private static final int CANDIDATES = 30;
    /**
     * A long message is cut to its first terms, and each term to its closest near terms: the query stays well
     * under Lucene's 1024 clauses, and a search stays cheap (the bot searches in the writer's transaction).
     */
    static final int MAX_TERMS = 64;
    static final int MAX_NEAR = 6;
    private static final String ORD = "ord";

    private final List<KnowledgeEntry> entries;
    private final Map<String, Analyzer> analyzers;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    /** Per document (by {@link #ORD}): the entry and language it holds. */
    private final List<Doc> docs;
    /** Per language: each term's number of entries using it (question or answer). */
    private final Map<String, Map<String, Integer>> documentFrequency;
    private final Map<String, Integer> entriesIn;

    /**
     * @param terms    every term of the entry's questions (weight 1) and of its answer ({@link #ANSWER})
     * @param variants each question variant's (and the title's) terms
     */
    private record Doc(int entry, String language, Map<String, Double> terms, List<Set<String>> variants) {
    }

    private KnowledgeIndex(List<KnowledgeEntry> entries, Map<String, Analyzer> analyzers, DirectoryReader reader,
                           IndexSearcher searcher, List<Doc> docs, Map<String, Map<String, Integer>> df,
                           Map<String, Integer> entriesIn) {
        this.entries = entries;
        this.analyzers = analyzers;
        this.reader = reader;
        this.searcher = searcher;
        this.docs = docs;
        this.documentFrequency = df;
        this.entriesIn = entriesIn;
    }

    static String questionField(String language) {
        return "q_" + language;
    }

    static String answerField(String language) {
        return "a_" + language;
    }

    /**
     * Indexes the entries' texts in the given languages (an entry's text in another language is kept for the API
     * but not searched: there is no analyzer for it).
     */
    static KnowledgeIndex build(Collection<KnowledgeEntry> all, Collection<String> languages) {
        List<KnowledgeEntry> entries = List.copyOf(all);
        Map<String, Analyzer> analyzers = new LinkedHashMap<>();
        for (String l : languages) {
            analyzers.put(l, LanguageAnalyzers.of(l));
        }
        Map<String, Analyzer> perField = new HashMap<>();
        analyzers.forEach((l, a) -> {
            perField.put(questionField(l), a);
            perField.put(answerField(l), a);
        });
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        BM25Similarity similarity = new BM25Similarity();
        List<Doc> docs = new ArrayList<>();
        Map<String, Map<String, Integer>> df = new HashMap<>();
        Map<String, Integer> entriesIn = new HashMap<>();
        try {
            IndexWriterConfig iwc = new IndexWriterConfig(new PerFieldAnalyzerWrapper(new StandardAnalyzer(),
                    perField)).setSimilarity(similarity).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            try (IndexWriter writer = new IndexWriter(directory, iwc)) {
                for (int e = 0; e < entries.size(); e++) {
                    for (Map.Entry<String, KnowledgeEntry.Text> text : entries.get(e).languages().entrySet()) {
                        String lang = text.getKey();
                        Analyzer analyzer = analyzers.get(lang);
                        if (analyzer == null) {
                            continue;
                        }
                        List<Set<String>> variants = new ArrayList<>();
                        Map<String, Double> terms = new HashMap<>();
                        for (String q : text.getValue().searchable()) {
                            Set<String> v = new LinkedHashSet<>(LanguageAnalyzers.terms(analyzer,
                                    questionField(lang), q));
                            if (!v.isEmpty()) {
                                variants.add(v);
                                v.forEach(t -> terms.put(t, 1.0));
                            }
                        }
                        if (variants.isEmpty()) {
                            continue;   // only stop words: nothing to match on
                        }
                        for (String t : LanguageAnalyzers.terms(analyzer, answerField(lang),
                                text.getValue().answer())) {
                            terms.putIfAbsent(t, ANSWER);
                        }
                        Map<String, Integer> counts = df.computeIfAbsent(lang, k -> new HashMap<>());
                        terms.keySet().forEach(t -> counts.merge(t, 1, Integer::sum));
                        entriesIn.merge(lang, 1, Integer::sum);
                        Document doc = new Document();
                        doc.add(new StoredField(ORD, docs.size()));
                        doc.add(new TextField(questionField(lang), String.join("\n",
                                text.getValue().searchable()), Field.Store.NO));
                        doc.add(new TextField(answerField(lang), text.getValue().answer(), Field.Store.NO));
                        writer.addDocument(doc);
                        docs.add(new Doc(e, lang, terms, variants));
                    }
                }
                writer.commit();
            }
            DirectoryReader reader = DirectoryReader.open(directory);
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(similarity);
            return new KnowledgeIndex(entries, analyzers, reader, searcher, List.copyOf(docs), df, entriesIn);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory index failed", e);
        }
    }

    List<KnowledgeEntry> entries() {
        return entries;
    }

    /**
     * The entries matching the question, best first, at most {@code max}.
     *
     * @param language the question's language; null (or a language without entries) searches every language
     */
    List<KnowledgeMatch> search(String question, String language, int max) {
        if (question == null || question.isBlank() || docs.isEmpty() || max <= 0) {
            return List.of();
        }
        String lang = KnowledgeEntry.language(language);
        List<String> langs = lang != null && entriesIn.containsKey(lang) ? List.of(lang)
                : analyzers.keySet().stream().filter(entriesIn::containsKey).toList();
        Map<Integer, KnowledgeMatch> best = new HashMap<>();
        try {
            var stored = reader.storedFields();
            for (String l : langs) {
                Set<String> terms = LanguageAnalyzers.terms(analyzers.get(l), questionField(l), question).stream()
                        .distinct().limit(MAX_TERMS).collect(java.util.stream.Collectors.toCollection(
                                LinkedHashSet::new));
                if (terms.isEmpty()) {
                    continue;
                }
                Map<String, Integer> df = documentFrequency.get(l);
                Map<String, Map<String, Double>> near = new HashMap<>();
                BooleanQuery.Builder query = new BooleanQuery.Builder();
                for (String t : terms) {
                    Map<String, Double> n = near(t, df.keySet(), l);
                    near.put(t, n);
                    n.forEach((s, sim) -> {
                        query.add(new BoostQuery(new TermQuery(new Term(questionField(l), s)), sim.floatValue()),
                                BooleanClause.Occur.SHOULD);
                        query.add(new BoostQuery(new TermQuery(new Term(answerField(l), s)),
                                (float) (sim * ANSWER)), BooleanClause.Occur.SHOULD);
                    });
                }
                if (near.values().stream().allMatch(Map::isEmpty)) {
                    continue;
                }
                int n = entriesIn.get(l);
                for (ScoreDoc hit : searcher.search(query.build(), CANDIDATES).scoreDocs) {
                    Doc d = docs.get(stored.document(hit.doc).getField(ORD).numericValue().intValue());
                    double confidence = confidence(terms, near, d, df, n);
                    KnowledgeMatch previous = best.get(d.entry());
                    if (previous == null || confidence > previous.confidence()) {
                        best.put(d.entry(), match(d.entry(), l, language, round(confidence)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory search failed", e);
        }
        return best.values().stream()
                .sorted(Comparator.comparingDouble(KnowledgeMatch::confidence).reversed()
                        .thenComparing(KnowledgeMatch::entryId))
                .limit(max).toList();
    }

    private static double confidence(Set<String> question, Map<String, Map<String, Double>> near, Doc d,
                                     Map<String, Integer> df, int n) {
        double total = 0;
        double known = 0;
        for (String t : question) {
            Map<String, Double> candidates = near.get(t);
            double weight = candidates.isEmpty() ? idf(0, n)
                    : candidates.keySet().stream().mapToDouble(s -> idf(df.getOrDefault(s, 0), n)).max()
                    .orElse(idf(0, n));
            double found = 0;
            for (Map.Entry<String, Double> c : candidates.entrySet()) {
                found = Math.max(found, c.getValue() * d.terms().getOrDefault(c.getKey(), 0.0));
            }
            total += weight;
            known += weight * found;
        }
        double ofQuestion = total == 0 ? 0 : known / total;
        double ofVariant = 0;
        for (Set<String> variant : d.variants()) {
            double all = 0;
            double had = 0;
            for (String s : variant) {
                double w = idf(df.getOrDefault(s, 0), n);
                double found = 0;
                for (String t : question) {
                    found = Math.max(found, near.get(t).getOrDefault(s, 0.0));
                }
                all += w;
                had += w * found;
            }
            ofVariant = Math.max(ofVariant, all == 0 ? 0 : had / all);
        }
        return Math.min(1.0, Math.pow(ofVariant, VARIANT_EXPONENT) * Math.pow(ofQuestion, QUESTION_EXPONENT));
    }

    /** BM25's idf. */
    private static double idf(int df, int n) {
        return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }

    /** The base's terms a question term may stand for, with how much each counts (1 for the term itself). */
    private static Map<String, Double> near(String t, Set<String> known, String language) {
        Map<String, Double> out = new HashMap<>();
        if (known.contains(t)) {
            out.put(t, 1.0);
        }
        boolean compounds = "de".equals(language) || "nl".equals(language);
        for (String s : known) {
            if (s.equals(t)) {
                continue;
            }
            int shorter = Math.min(s.length(), t.length());
            boolean isNear = shorter >= 4 && (s.startsWith(t) || t.startsWith(s))
                    || commonStart(s, t) >= Math.max(5, 0.7 * shorter)
                    || compounds && shorter >= 4 && (s.endsWith(t) || t.endsWith(s))
                    || shorter >= 6 && oneEditApart(s, t);
            if (isNear) {
                out.put(s, NEAR);
            }
        }
        if (out.size() > MAX_NEAR) {
            // The term itself first, then the forms closest in length.
            Map<String, Double> kept = new LinkedHashMap<>();
            out.keySet().stream().sorted(Comparator.comparingInt((String s) -> s.equals(t) ? -1
                            : Math.abs(s.length() - t.length())).thenComparing(Comparator.naturalOrder()))
                    .limit(MAX_NEAR).forEach(s -> kept.put(s, out.get(s)));
            return kept;
        }
        return out;
    }

    private static int commonStart(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** Whether one insertion, deletion, substitution or swap of neighbours turns one into the other. */
    static boolean oneEditApart(String a, String b) {
        int la = a.length();
        int lb = b.length();
        if (Math.abs(la - lb) > 1) {
            return false;
        }
        int i = 0;
        while (i < Math.min(la, lb) && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i == Math.min(la, lb)) {
            return la != lb;   // one extra letter at the end (equal strings are not "one edit")
        }
        if (la == lb) {
            if (a.substring(i + 1).equals(b.substring(i + 1))) {
                return true;   // substitution
            }
            return i + 1 < la && a.charAt(i) == b.charAt(i + 1) && a.charAt(i + 1) == b.charAt(i)
                    && a.substring(i + 2).equals(b.substring(i + 2));   // swapped neighbours
        }
        return la > lb ? a.substring(i + 1).equals(b.substring(i)) : a.substring(i).equals(b.substring(i + 1));
    }

    /** The answer in the question's language when the entry has it, else in the language it matched in. */
    private KnowledgeMatch match(int e, String matchedIn, String asked, double confidence) {
        KnowledgeEntry entry = entries.get(e);
        String askedLang = KnowledgeEntry.language(asked);
        String lang = askedLang != null && entry.languages().containsKey(askedLang) ? askedLang : matchedIn;
        KnowledgeEntry.Text text = entry.languages().get(lang);
        return new KnowledgeMatch(entry.id(), text.title(), text.answer(), lang, entry.link(), confidence);
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
