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

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
