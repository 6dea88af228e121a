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
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable in-memory Lucene index of a set of entries: one document per question variant (and title) per
 * language, in a field of that language ({@code q_en}, {@code q_de}...) analysed by {@link LanguageAnalyzers}, ranked
 * with BM25. The service builds a new index on every change and swaps it in whole; a search never sees half an index.
 *
 * <p>The confidence of a match is made comparable across questions (one threshold means the same for a short or a
 * long question, a rare or a common subject) from two shares, each in [0, 1]:
 * <ul>
 *   <li>how much of the variant the question has: the question's BM25 score against the variant divided by the
 *       variant's BM25 score against itself (1 when every word of the variant is in the question);</li>
 *   <li>how much of the question the entry knows: the share of the question's words, weighted by their BM25 idf,
 *       found in any variant of the entry (a question about something else has words the entry never uses).</li>
 * </ul>
 * The confidence is their weighted geometric mean, {@code variant^0.4 * question^0.6} (1: the question is one of the
 * variants, give or take stop words and word forms). The weights were chosen on the test corpus of
 * {@code KnowledgeBaseAccuracyTest}, whose figures the build prints.
 */
final class KnowledgeIndex implements AutoCloseable {
    static final double VARIANT_WEIGHT = 0.4;
    static final double QUESTION_WEIGHT = 0.6;
    /** Candidates read from Lucene per language before the confidences are compared. */
    private static final int CANDIDATES = 50;
    private static final String ORD = "ord";

    private final List<KnowledgeEntry> entries;
    private final Map<String, Analyzer> analyzers;
    private final ByteBuffersDirectory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    /** Per document (by {@link #ORD}): its entry, language, unique terms and BM25 score against itself. */
    private final List<Variant> variants;
    /** Per entry and language: every term of its variants (what the entry "knows"). */
    private final Map<Integer, Map<String, Set<String>>> vocabulary;

    private record Variant(int entry, String language, Set<String> terms, double selfScore) {
    }

    private KnowledgeIndex(List<KnowledgeEntry> entries, Map<String, Analyzer> analyzers,
                           ByteBuffersDirectory directory, DirectoryReader reader, IndexSearcher searcher,
                           List<Variant> variants, Map<Integer, Map<String, Set<String>>> vocabulary) {
        this.entries = entries;
        this.analyzers = analyzers;
        this.directory = directory;
        this.reader = reader;
        this.searcher = searcher;
        this.variants = variants;
        this.vocabulary = vocabulary;
    }

    static String field(String language) {
        return "q_" + language;
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
        analyzers.forEach((l, a) -> perField.put(field(l), a));
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        BM25Similarity similarity = new BM25Similarity();
        List<Variant> variants = new ArrayList<>();
        Map<Integer, Map<String, Set<String>>> vocabulary = new HashMap<>();
        try {
            IndexWriterConfig iwc = new IndexWriterConfig(new PerFieldAnalyzerWrapper(new StandardAnalyzer(),
                    perField)).setSimilarity(similarity).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            try (IndexWriter writer = new IndexWriter(directory, iwc)) {
                for (int e = 0; e < entries.size(); e++) {
                    KnowledgeEntry entry = entries.get(e);
                    for (Map.Entry<String, KnowledgeEntry.Text> text : entry.languages().entrySet()) {
                        Analyzer analyzer = analyzers.get(text.getKey());
                        if (analyzer == null) {
                            continue;
                        }
                        for (String q : text.getValue().searchable()) {
                            Set<String> terms = new LinkedHashSet<>(LanguageAnalyzers.terms(analyzer,
                                    field(text.getKey()), q));
                            if (terms.isEmpty()) {
                                continue;   // only stop words: nothing to match on
                            }
                            vocabulary.computeIfAbsent(e, k -> new HashMap<>())
                                    .computeIfAbsent(text.getKey(), k -> new HashSet<>()).addAll(terms);
                            Document doc = new Document();
                            doc.add(new StoredField(ORD, variants.size()));
                            doc.add(new TextField(field(text.getKey()), q, Field.Store.NO));
                            writer.addDocument(doc);
                            variants.add(new Variant(e, text.getKey(), terms, 0));
                        }
                    }
                }
                writer.forceMerge(1);
                writer.commit();
            }
            DirectoryReader reader = DirectoryReader.open(directory);
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(similarity);
            // Each variant's score against itself: the most a question can score on it (the confidence's scale).
            List<Variant> scored = new ArrayList<>(variants.size());
            var stored = reader.storedFields();
            Map<Integer, Integer> docOf = new HashMap<>();
            for (int doc = 0; doc < reader.maxDoc(); doc++) {
                docOf.put(stored.document(doc).getField(ORD).numericValue().intValue(), doc);
            }
            for (int ord = 0; ord < variants.size(); ord++) {
                Variant v = variants.get(ord);
                double self = searcher.explain(query(field(v.language()), v.terms()), docOf.get(ord))
                        .getValue().doubleValue();
                scored.add(new Variant(v.entry(), v.language(), v.terms(), self));
            }
            return new KnowledgeIndex(entries, analyzers, directory, reader, searcher, List.copyOf(scored),
                    vocabulary);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory index failed", e);
        }
    }

    List<KnowledgeEntry> entries() {
        return entries;
    }

    Set<String> languages() {
        return analyzers.keySet();
    }

    /**
     * The entries matching the question, best first, at most {@code max}.
     *
     * @param language the question's language; null (or a language without entries) searches every language
     */
    List<KnowledgeMatch> search(String question, String language, int max) {
        if (question == null || question.isBlank() || variants.isEmpty() || max <= 0) {
            return List.of();
        }
        String lang = KnowledgeEntry.language(language);
        List<String> langs = lang != null && analyzers.containsKey(lang) && hasVariants(lang)
                ? List.of(lang) : List.copyOf(analyzers.keySet());
        Map<Integer, KnowledgeMatch> best = new HashMap<>();
        try {
            var stored = reader.storedFields();
            for (String l : langs) {
                String field = field(l);
                Set<String> terms = new LinkedHashSet<>(LanguageAnalyzers.terms(analyzers.get(l), field, question));
                if (terms.isEmpty()) {
                    continue;
                }
                Map<String, Double> idf = idf(field, terms);
                double questionWeight = idf.values().stream().mapToDouble(Double::doubleValue).sum();
                for (ScoreDoc hit : searcher.search(query(field, terms), CANDIDATES).scoreDocs) {
                    Variant v = variants.get(stored.document(hit.doc).getField(ORD).numericValue().intValue());
                    double ofVariant = Math.min(1.0, hit.score / v.selfScore());
                    Set<String> known = vocabulary.get(v.entry()).get(l);
                    double found = terms.stream().filter(known::contains).mapToDouble(idf::get).sum();
                    double ofQuestion = questionWeight == 0 ? 0 : Math.min(1.0, found / questionWeight);
                    double confidence = Math.pow(ofVariant, VARIANT_WEIGHT) * Math.pow(ofQuestion, QUESTION_WEIGHT);
                    KnowledgeMatch previous = best.get(v.entry());
                    if (previous == null || confidence > previous.confidence()) {
                        best.put(v.entry(), match(v.entry(), l, language, round(confidence)));
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

    private boolean hasVariants(String language) {
        try {
            return reader.getDocCount(field(language)) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** BM25's idf of each term in the field ({@code ln(1 + (N - n + 0.5) / (n + 0.5))}); unknown terms the highest. */
    private Map<String, Double> idf(String field, Set<String> terms) throws IOException {
        long n = reader.getDocCount(field);
        Map<String, Double> out = new HashMap<>();
        for (String t : terms) {
            int df = reader.docFreq(new Term(field, t));
            out.put(t, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
        }
        return out;
    }

    /** The answer in the question's language when the entry has it, else in the language it matched in. */
    private KnowledgeMatch match(int e, String matchedIn, String asked, double confidence) {
        KnowledgeEntry entry = entries.get(e);
        String askedLang = KnowledgeEntry.language(asked);
        String lang = askedLang != null && entry.languages().containsKey(askedLang) ? askedLang : matchedIn;
        KnowledgeEntry.Text text = entry.languages().get(lang);
        return new KnowledgeMatch(entry.id(), text.title(), text.answer(), lang, entry.link(), confidence);
    }

    private static Query query(String field, Collection<String> terms) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (String t : terms) {
            b.add(new TermQuery(new Term(field, t)), BooleanClause.Occur.SHOULD);
        }
        return b.build();
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
        } catch (IOException e) {
            // in memory: nothing to lose
        }
    }
}
