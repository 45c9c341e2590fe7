// The scoring walk below follows github.com/sahilm/fuzzy v0.1.3
// (fuzzy.go, FindFromIterNoSort), so that a keystroke gets exactly the
// result fuzzy.Find would give; fuzzy is MIT-licensed:
//
//	Copyright (c) 2017 Sahil Muthoo
//
//	Permission is hereby granted, free of charge, to any person obtaining
//	a copy of this software and associated documentation files (the
//	"Software"), to deal in the Software without restriction, including
//	without limitation the rights to use, copy, modify, merge, publish,
//	distribute, sublicense, and/or sell copies of the Software, and to
//	permit persons to whom the Software is furnished to do so, subject to
//	the following conditions: The above copyright notice and this
//	permission notice shall be included in all copies or substantial
//	portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
//	WARRANTY OF ANY KIND.

package namefilter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fuzzy's bonuses and penalties (github.com/sahilm/fuzzy v0.1.3, fuzzy.go).
const (
	firstCharMatchBonus            = 10
	matchFollowingSeparatorBonus   = 20
	camelCaseMatchBonus            = 20
	adjacentMatchBonus             = 5
	unmatchedLeadingCharPenalty    = -5
	maxUnmatchedLeadingCharPenalty = -15
)

// score is fuzzy.Find's Match.Score of name for pattern, and whether fuzzy
// matches name at all. It walks name exactly as fuzzy's FindFromIterNoSort
// does, step for step, but keeps only the last matched offset instead of
// allocating the list of them, and takes ASCII's short cuts.
//
// Why a copy of fuzzy's loop: on 100,000 names that all match a one-letter
// pattern, fuzzy.FindNoSort costs 15-25 ms of CPU, most of it one allocation
// per match for the offsets; that is above 5 ms a keystroke even split over
// two cores (BenchmarkScore100k has both). TestScoreIsFuzzys checks this
// copy against fuzzy itself on random names, Unicode and broken UTF-8
// included, so an upgrade of fuzzy that scores differently fails the tests.
func score(runes []rune, name string) (total int, ok bool) {
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i] // fuzzy stops at the first NUL
	}
	w := walk{bestScore: -1, matchedIndex: -1}
	var last rune
	var nextc rune
	var nextSize int
	if name != "" {
		nextc, nextSize = decode(name, 0)
	}
	var candidate rune
	var candidateSize int
	for j := 0; j < len(name); j += candidateSize {
		candidate, candidateSize = nextc, nextSize
		if equalFold(candidate, runes[w.patternIndex]) {
			w.candidate(j, isLower(last) && isUpper(candidate), isSeparator(last))
		}
		var nextp rune
		if w.patternIndex < len(runes)-1 {
			nextp = runes[w.patternIndex+1]
		}
		if j+candidateSize < len(name) {
			nextc, nextSize = decode(name, j+candidateSize)
		} else {
			nextc, nextSize = 0, 0
		}
		if equalFold(nextp, nextc) || nextc == 0 {
			w.commit()
		}
		w.lastIndex = j
		last = candidate
	}
	return w.total + w.matched - len(name), w.matched == len(runes)
}

// walk is fuzzy's state on its way through a name.
type walk struct {
	total, matched, lastMatch, patternIndex int
	bestScore, matchedIndex                 int // of the pattern's current rune
	currAdjacentMatchBonus                  int
	lastIndex                               int // of the previous rune of the name
}

// candidate weighs the name's rune at j, which matches the pattern's
// current one.
func (w *walk) candidate(j int, camelCase, afterSeparator bool) {
	s := 0
	if j == 0 {
		s += firstCharMatchBonus
	}
	if camelCase {
		s += camelCaseMatchBonus
	}
	if j != 0 && afterSeparator {
		s += matchFollowingSeparatorBonus
	}
	if w.matched > 0 {
		bonus := 0
		if w.lastMatch == w.lastIndex {
			bonus = w.currAdjacentMatchBonus*2 + adjacentMatchBonus
		}
		s += bonus
		w.currAdjacentMatchBonus += bonus
	}
	if s > w.bestScore {
		w.bestScore = s
		w.matchedIndex = j
	}
}

// commit takes the best candidate so far for the pattern's current rune,
// if there is one, and moves on to the next rune.
func (w *walk) commit() {
	if w.matchedIndex < 0 {
		return
	}
	if w.matched == 0 {
		w.bestScore += max(w.matchedIndex*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty)
	}
	w.total += w.bestScore
	w.matched++
	w.lastMatch = w.matchedIndex
	w.bestScore = -1
	w.patternIndex++
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// equalFold is fuzzy's (taken from strings.EqualFold).
func equalFold(tr, sr rune) bool {
	if tr == sr {
		return true
	}
	if tr < sr {
		tr, sr = sr, tr
	}
	if tr < utf8.RuneSelf {
		return 'A' <= sr && sr <= 'Z' && tr == sr+'a'-'A'
	}
	r := unicode.SimpleFold(sr)
	for r != sr && r < tr {
		r = unicode.SimpleFold(r)
	}
	return r == tr
}

func isLower(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z'
	}
	return unicode.IsLower(r)
}

func isUpper(r rune) bool {
	if r < utf8.RuneSelf {
		return 'A' <= r && r <= 'Z'
	}
	return unicode.IsUpper(r)
}

// isSeparator is fuzzy's: one of "/-_ .\".
func isSeparator(r rune) bool {
	switch r {
	case '/', '-', '_', ' ', '.', '\\':
		return true
	}
	return false
}

// scoreASCII is score for a pattern of ASCII bytes, lowered (folded), on a
// name of ASCII bytes: the same walk, byte by byte. It gives up (ascii ==
// false) at the first byte that is not ASCII, where score must decide (a
// Kelvin sign is a k).
func scoreASCII(folded []byte, name string) (total int, ok, ascii bool) {
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	n := len(name)
	if n == 0 {
		return 0, false, true
	}
	if name[0] >= utf8.RuneSelf {
		return 0, false, false
	}
	w := walk{bestScore: -1, matchedIndex: -1}
	var last byte
	for j := 0; j < n; j++ {
		c := name[j]
		if lower(c) == folded[w.patternIndex] {
			w.candidate(j, 'a' <= last && last <= 'z' && 'A' <= c && c <= 'Z', isSeparator(rune(last)))
		}
		commit := j+1 == n
		if !commit {
			next := name[j+1]
			if next >= utf8.RuneSelf {
				return 0, false, false
			}
			commit = w.patternIndex < len(folded)-1 && lower(next) == folded[w.patternIndex+1]
		}
		if commit {
			w.commit()
		}
		w.lastIndex = j
		last = c
	}
	return w.total + w.matched - n, w.matched == len(folded), true
}
