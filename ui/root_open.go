package ui

import "strings"

// Kind is what an argument names.
type Kind int

// What a start argument or a typed reference names.
const (
	KindNone Kind = iota
	KindRegistry
	KindRepository
	KindReference
)

// Classify says whether s names a registry, a repository or a reference:
// '@' or a ':tag' after the last '/' → reference; a host (has '.' or ':', or
// is localhost) with no '/' → registry; anything else with a name → repository
// (or a reference when it has a tag, as in golang:1.23).
func Classify(s string) Kind {
	s = strings.TrimSpace(s)
	if s == "" {
		return KindNone
	}
	if strings.Contains(s, "@") {
		return KindReference
	}
	slash := strings.LastIndexByte(s, '/')
	if slash < 0 {
		host, _, hasColon := strings.Cut(s, ":")
		if strings.Contains(host, ".") || host == "localhost" {
			return KindRegistry
		}
		if hasColon {
			return KindReference
		}
		return KindRepository
	}
	if strings.Contains(s[slash+1:], ":") {
		return KindReference
	}
	return KindRepository
}
