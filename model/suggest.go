package model

import "strings"

// Nearest returns the candidate closest to s: one that is equal to it
// ignoring case and the separators '-', '_' and '.', else the one with the
// smallest edit distance when that is at most 2 (and less than s is long).
// It returns "" when no candidate is near.
func Nearest(s string, candidates []string) string {
	fold := func(x string) string {
		return strings.NewReplacer("-", "", "_", "", ".", "").Replace(strings.ToLower(x))
	}
	fs := fold(s)
	for _, c := range candidates {
		if fold(c) == fs {
			return c
		}
	}
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(fs, fold(c)); d < bestD && d < len(fs) {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance of a and b, in
// bytes: insertions, deletions, substitutions and swaps of two neighbours
// (amd46 → amd64) each count one.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// EditDistance is the optimal string alignment distance of a and b (the
// measure behind every "did you mean" manifold prints).
func EditDistance(a, b string) int { return editDistance(a, b) }
