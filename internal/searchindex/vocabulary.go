package searchindex

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
)

// The vocabulary lists the words of titles, vendors, product types, tags and option values,
// each under itself and under every one-letter deletion of it (a deletion neighbourhood).
// A query word with one typo shares a key with the word it misspells, so typo-tolerant
// lookup is an index range scan on both databases, whatever the catalog's size.

// MinTypoLength is the shortest query word that tolerates a typo; shorter words are too
// ambiguous ("hat" is one letter away from "cat", "bat", "hot").
const MinTypoLength = 5

const vocabularyTable = "search_vocabulary"

func migrateVocabulary(ctx context.Context, db Conn) error {
	q := "CREATE TABLE IF NOT EXISTS " + vocabularyTable + " (key TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (key, word))"
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("create %s: %w", vocabularyTable, err)
	}
	return nil
}

// deletions returns w and every string made by deleting one letter of it.
func deletions(w string) []string {
	rs := []rune(w)
	out := []string{w}
	seen := map[string]bool{w: true}
	for i := range rs {
		d := string(rs[:i]) + string(rs[i+1:])
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// vocabularyWord reports whether a folded word belongs in the vocabulary.
func vocabularyWord(w string) bool {
	n := utf8.RuneCountInString(w)
	if n < MinTypoLength-1 || n > 40 || IsStopword(w) {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return true
		}
	}
	return false // numbers are not misspelt
}

// addWords records folded words in the vocabulary.
func addWords(ctx context.Context, db Conn, dialectName string, words []string) error {
	type pair struct{ key, word string }
	seen := map[pair]bool{}
	var pairs []pair
	for _, w := range words {
		if !vocabularyWord(w) {
			continue
		}
		for _, k := range deletions(w) {
			p := pair{k, w}
			if !seen[p] {
				seen[p] = true
				pairs = append(pairs, p)
			}
		}
	}
	for start := 0; start < len(pairs); start += 400 {
		batch := pairs[start:min(start+400, len(pairs))]
		args := make([]any, 0, 2*len(batch))
		rows := make([]string, len(batch))
		for i, p := range batch {
			if dialectName == dialect.Postgres {
				rows[i] = fmt.Sprintf("($%d, $%d)", len(args)+1, len(args)+2)
			} else {
				rows[i] = "(?, ?)"
			}
			args = append(args, p.key, p.word)
		}
		var q string
		if dialectName == dialect.Postgres {
			q = "INSERT INTO " + vocabularyTable + " (key, word) VALUES " + strings.Join(rows, ", ") + " ON CONFLICT DO NOTHING"
		} else {
			q = "INSERT OR IGNORE INTO " + vocabularyTable + " (key, word) VALUES " + strings.Join(rows, ", ")
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("record search vocabulary: %w", err)
		}
	}
	return nil
}

// Corrections returns, for each query word of at least MinTypoLength letters that is not
// itself in the vocabulary, the vocabulary words one edit (insertion, deletion,
// substitution or transposition of neighbours) away. One statement for all the words.
func Corrections(ctx context.Context, db Conn, dialectName string, words []string) (map[string][]string, error) {
	var keys []any
	wanted := map[string]bool{}
	for _, w := range words {
		if utf8.RuneCountInString(w) < MinTypoLength || wanted[w] {
			continue
		}
		wanted[w] = true
		for _, k := range deletions(w) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	marks := make([]string, len(keys))
	for i := range keys {
		marks[i] = "?"
		if dialectName == dialect.Postgres {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT DISTINCT word FROM "+vocabularyTable+" WHERE key IN ("+strings.Join(marks, ", ")+")", keys...)
	if err != nil {
		return nil, fmt.Errorf("look up spelling corrections: %w", err)
	}
	defer rows.Close()
	var candidates []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		candidates = append(candidates, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range candidates {
		known[c] = true
	}
	out := map[string][]string{}
	for w := range wanted {
		if known[w] {
			continue // spelt as the catalog spells it
		}
		for _, c := range candidates {
			if editDistance(w, c) == 1 {
				out[w] = append(out[w], c)
			}
		}
	}
	return out, nil
}

// editDistance is the optimal string alignment distance (Damerau–Levenshtein without
// repeated edits of one substring).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// Completions returns up to limit vocabulary words that start with prefix (and are longer),
// shortest first.
func Completions(ctx context.Context, db Conn, dialectName, prefix string, limit int) ([]string, error) {
	if prefix == "" {
		return nil, nil
	}
	q := "SELECT word FROM " + vocabularyTable + " WHERE key >= ? AND key < ? AND key = word AND word <> ? ORDER BY LENGTH(word), word LIMIT ?"
	if dialectName == dialect.Postgres {
		q = "SELECT word FROM " + vocabularyTable + " WHERE key >= $1 AND key < $2 AND key = word AND word <> $3 ORDER BY LENGTH(word), word LIMIT $4"
	}
	rows, err := db.QueryContext(ctx, q, prefix, prefix+"\U0010FFFF", prefix, limit)
	if err != nil {
		return nil, fmt.Errorf("complete %q: %w", prefix, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
