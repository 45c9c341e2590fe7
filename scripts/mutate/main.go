// Command mutate runs the hand-made mutations of scripts/mutations.txt, one
// at a time, against the tests of the package that owns the mutated code,
// and prints which ones the tests caught, a score per package and the
// survivors.
//
//	go run ./scripts/mutate                      # every mutation
//	go run ./scripts/mutate -pkg registry,ui     # only these packages
//	go run ./scripts/mutate -only auth-host-scope,push-readback
//	go run ./scripts/mutate -list                # what would run
//
// A mutation names a snippet of code and its replacement. The snippet must
// occur exactly once in the file the mutation names; when that file no
// longer exists (renamed or split), anywhere in the other non-test files of
// its package. A snippet that is not found, or found more than once, is
// reported "not applicable" and is not counted: update
// scripts/mutations.txt. A mutant that does not compile is reported
// "broken" and not counted either.
//
// The working tree is never written: each mutant is given to `go test`
// through -overlay, so an interrupted run leaves nothing behind.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// mutation is one entry of the mutations file.
type mutation struct {
	ID         string
	Pkg        string // package directory, e.g. "registry" or "internal/stagestore"
	File       string // file (relative to the module root) where the snippet is expected
	What       string // the behaviour a user would lose
	Equivalent string // when set: why no test can catch it (the mutant is expected to survive)
	Old, New   string
	Line       int // line of the "===" header in the mutations file
}

// outcome of one mutant.
type outcome struct {
	m       mutation
	status  string // killed, survived, not applicable, broken
	detail  string // killing test, or why not applicable / broken
	file    string // file actually mutated
	elapsed time.Duration
}

func main() {
	file := flag.String("file", "scripts/mutations.txt", "mutations file")
	pkgs := flag.String("pkg", "", "comma-separated packages to mutate (e.g. registry,ui,internal/stagestore); empty: all")
	only := flag.String("only", "", "comma-separated mutation ids to run")
	list := flag.Bool("list", false, "list the mutations and whether they apply, run nothing")
	timeout := flag.Duration("timeout", 5*time.Minute, "go test -timeout for each mutant")
	verbose := flag.Bool("v", false, "print the test output of surviving and broken mutants")
	flag.Parse()

	// Ctrl-C or a kill stops the go test in flight too (go test passes
	// the interrupt on to the test binary).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runCtx = ctx

	ms, err := parse(*file)
	if err != nil {
		fatal(err)
	}
	ms = filter(ms, *pkgs, *only)
	if len(ms) == 0 {
		fatal(errors.New("no mutation selected"))
	}
	tmp, err := os.MkdirTemp("", "manifold-mutate-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)

	if *list {
		for _, m := range ms {
			path, _, err := apply(m)
			state := "applies to " + path
			if err != nil {
				state = "NOT APPLICABLE: " + err.Error()
			}
			fmt.Printf("%-34s %-22s %s\n", m.ID, m.Pkg, state)
		}
		return
	}

	// The unmutated tests must pass, or every mutant would count as killed.
	for _, p := range packages(ms) {
		fmt.Printf("baseline ./%s ... ", p)
		start := time.Now()
		out, err := goTest(p, "", *timeout)
		if err != nil {
			// Once more: a test that fails once on a loaded machine is
			// flaky, and a flaky test would count every mutant as killed.
			fmt.Print("failed, again ... ")
			out, err = goTest(p, "", *timeout)
		}
		if err != nil {
			fmt.Println("FAIL")
			os.Stdout.Write(out)
			fatal(fmt.Errorf("the tests of ./%s fail without a mutation: fix them first", p))
		}
		fmt.Printf("ok (%s)\n", time.Since(start).Round(time.Second))
	}

	var results []outcome
	for i, m := range ms {
		r := run(m, tmp, *timeout)
		results = append(results, r)
		fmt.Printf("[%2d/%d] %-14s %-34s %-20s %5s  %s\n", i+1, len(ms), strings.ToUpper(r.status), m.ID, m.Pkg,
			r.elapsed.Round(time.Second), r.detail)
		if *verbose && (r.status == "survived" || r.status == "broken") {
			fmt.Println(indent(r.detail))
		}
	}
	report(results)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(2)
}

// runCtx is cancelled on an interrupt.
var runCtx = context.Background()

var header = regexp.MustCompile(`^=== (\S+)\s*$`)

// parse reads the mutations file. An entry is
//
//	=== id
//	pkg: registry
//	file: registry/auth.go
//	what: the behaviour a user would lose
//	equivalent: why it cannot be caught   (optional)
//	---
//	old snippet lines
//	+++
//	new snippet lines
//
// and ends at the next "===" line. Lines starting with "#" are comments,
// in snippets too (no Go line starts with "#"); blank lines that end a
// snippet are dropped.
func parse(path string) ([]mutation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mutation
	var cur *mutation
	var old, neu []string
	section := "" // "", "old", "new"
	flush := func() error {
		if cur == nil {
			return nil
		}
		cur.Old, cur.New = strings.Join(trimBlank(old), "\n"), strings.Join(trimBlank(neu), "\n")
		switch {
		case cur.Pkg == "" || cur.What == "":
			return fmt.Errorf("%s:%d: mutation %s needs the fields pkg and what", path, cur.Line, cur.ID)
		case strings.TrimSpace(cur.Old) == "":
			return fmt.Errorf("%s:%d: mutation %s has no --- snippet", path, cur.Line, cur.ID)
		case cur.Old == cur.New:
			return fmt.Errorf("%s:%d: mutation %s changes nothing", path, cur.Line, cur.ID)
		}
		out = append(out, *cur)
		cur, old, neu, section = nil, nil, nil, ""
		return nil
	}
	sc := bufio.NewScanner(f)
	n := 0
	seen := map[string]bool{}
	for sc.Scan() {
		n++
		line := sc.Text()
		if h := header.FindStringSubmatch(line); h != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			if seen[h[1]] {
				return nil, fmt.Errorf("%s:%d: mutation id %s used twice", path, n, h[1])
			}
			seen[h[1]] = true
			cur = &mutation{ID: h[1], Line: n}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue // a comment, also between snippets (no Go line starts with #)
		}
		switch {
		case cur == nil:
			if strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("%s:%d: text outside a mutation: %q", path, n, line)
			}
		case line == "---" && section == "":
			section = "old"
		case line == "+++" && section == "old":
			section = "new"
		case section == "old":
			old = append(old, line)
		case section == "new":
			neu = append(neu, line)
		case strings.TrimSpace(line) == "":
		default:
			k, v, ok := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "pkg":
				cur.Pkg = strings.TrimPrefix(strings.TrimSuffix(v, "/"), "./")
			case "file":
				cur.File = v
			case "what":
				cur.What = v
			case "equivalent":
				cur.Equivalent = v
			default:
				if !ok {
					return nil, fmt.Errorf("%s:%d: expected key: value, got %q", path, n, line)
				}
				return nil, fmt.Errorf("%s:%d: unknown key %q", path, n, k)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

func filter(ms []mutation, pkgs, only string) []mutation {
	want := func(list, v string) bool {
		if list == "" {
			return true
		}
		for _, x := range strings.Split(list, ",") {
			x = strings.TrimPrefix(strings.TrimSuffix(strings.TrimSpace(x), "/"), "./")
			if x == v || strings.HasSuffix(x, "/...") && strings.HasPrefix(v, strings.TrimSuffix(x, "/...")) {
				return true
			}
		}
		return false
	}
	var out []mutation
	for _, m := range ms {
		if want(pkgs, m.Pkg) && want(only, m.ID) {
			out = append(out, m)
		}
	}
	return out
}

func packages(ms []mutation) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		if !seen[m.Pkg] {
			seen[m.Pkg] = true
			out = append(out, m.Pkg)
		}
	}
	return out
}

// apply finds the mutation's snippet and returns the mutated file's path
// and content.
func apply(m mutation) (string, []byte, error) {
	try := func(path string) (int, []byte, error) {
		src, err := os.ReadFile(path)
		if err != nil {
			return 0, nil, err
		}
		return bytes.Count(src, []byte(m.Old)), src, nil
	}
	if m.File != "" {
		n, src, err := try(m.File)
		switch {
		case err == nil && n == 1:
			return m.File, bytes.Replace(src, []byte(m.Old), []byte(m.New), 1), nil
		case n > 1:
			return "", nil, fmt.Errorf("snippet found %d times in %s: make it unique", n, m.File)
		case err == nil:
			// The file is there but the code changed: a look elsewhere
			// could hit another page's copy of a similar line.
			return "", nil, fmt.Errorf("snippet not found in %s: the code changed, update the mutation (mutations file line %d)", m.File, m.Line)
		}
	}
	// The file is gone (renamed or split): look in the rest of its package.
	dir := m.Pkg
	if m.File != "" {
		dir = filepath.Dir(m.File)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var hits []string
	var mutated []byte
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == m.File {
			continue
		}
		n, src, err := try(f)
		if err != nil || n == 0 {
			continue
		}
		hits = append(hits, fmt.Sprintf("%s (%d)", f, n))
		if n == 1 {
			mutated = bytes.Replace(src, []byte(m.Old), []byte(m.New), 1)
		}
	}
	switch {
	case len(hits) == 1 && mutated != nil:
		return strings.Fields(hits[0])[0], mutated, nil
	case len(hits) == 0:
		return "", nil, fmt.Errorf("snippet not found in %s or any file of ./%s: the code moved or changed, update the mutation (mutations file line %d)", orNone(m.File), dir, m.Line)
	default:
		return "", nil, fmt.Errorf("snippet is not unique in ./%s: %s", dir, strings.Join(hits, ", "))
	}
}

func orNone(s string) string {
	if s == "" {
		return "(no file named)"
	}
	return s
}

var failLine = regexp.MustCompile(`(?m)^\s*--- FAIL: (\S+)`)

func run(m mutation, tmp string, timeout time.Duration) outcome {
	start := time.Now()
	path, src, err := apply(m)
	if err != nil {
		return outcome{m: m, status: "not applicable", detail: err.Error()}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return outcome{m: m, status: "not applicable", detail: err.Error()}
	}
	mutant := filepath.Join(tmp, m.ID+".go")
	if err := os.WriteFile(mutant, src, 0o644); err != nil {
		fatal(err)
	}
	ov, _ := json.Marshal(map[string]map[string]string{"Replace": {abs: mutant}})
	ovPath := filepath.Join(tmp, m.ID+".json")
	if err := os.WriteFile(ovPath, ov, 0o644); err != nil {
		fatal(err)
	}
	out, err := goTest(m.Pkg, ovPath, timeout)
	r := outcome{m: m, file: path, elapsed: time.Since(start)}
	switch {
	case err == nil:
		r.status = "survived"
		r.detail = m.What
		if m.Equivalent != "" {
			r.status = "equivalent"
			r.detail = m.Equivalent
		}
	case bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")):
		r.status = "broken"
		r.detail = "the mutant does not compile: " + firstLines(out, 3)
	default:
		r.status = "killed"
		var names []string
		for _, f := range failLine.FindAllSubmatch(out, -1) {
			// Subtest names can hold registry data (escape sequences).
			if name := strings.Trim(strconv.Quote(string(f[1])), `"`); !strings.Contains(name, "/") || len(names) == 0 {
				names = append(names, name)
			}
		}
		switch {
		case len(names) > 0:
			r.detail = "by " + strings.Join(uniq(names, 3), ", ")
		case bytes.Contains(out, []byte("panic: test timed out")):
			r.detail = "by the test timeout (a hang)"
		default:
			r.detail = "by: " + firstLines(out, 1)
		}
		if m.Equivalent != "" {
			r.detail += " (listed as equivalent: remove that line)"
		}
	}
	return r
}

func goTest(pkg, overlay string, timeout time.Duration) ([]byte, error) {
	args := []string{"test", "-count=1", "-failfast", "-timeout", timeout.String()}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	args = append(args, "./"+pkg)
	ctx, cancel := context.WithTimeout(runCtx, timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if runCtx.Err() != nil {
		fatal(errors.New("interrupted"))
	}
	return out, err
}

func uniq(ss []string, max int) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] && len(out) < max {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func firstLines(b []byte, n int) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l = strings.Trim(strconv.Quote(strings.TrimSpace(l)), `"`); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
		if len(out) == n {
			break
		}
	}
	return strings.Join(out, " | ")
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

func report(rs []outcome) {
	type tally struct{ killed, survived, equivalent, na, broken int }
	per := map[string]*tally{}
	var order []string
	for _, r := range rs {
		t := per[r.m.Pkg]
		if t == nil {
			t = &tally{}
			per[r.m.Pkg] = t
			order = append(order, r.m.Pkg)
		}
		switch r.status {
		case "killed":
			t.killed++
		case "survived":
			t.survived++
		case "equivalent":
			t.equivalent++
		case "not applicable":
			t.na++
		case "broken":
			t.broken++
		}
	}
	sort.Strings(order)
	fmt.Println()
	fmt.Println("Score per package (killed / (killed + survived); equivalent, not applicable and broken mutants are not counted)")
	var all tally
	for _, p := range order {
		t := per[p]
		fmt.Printf("  %-22s %s  killed %d, survived %d, equivalent %d, not applicable %d, broken %d\n",
			p, score(t.killed, t.survived), t.killed, t.survived, t.equivalent, t.na, t.broken)
		all.killed += t.killed
		all.survived += t.survived
		all.equivalent += t.equivalent
		all.na += t.na
		all.broken += t.broken
	}
	fmt.Printf("  %-22s %s  killed %d, survived %d, equivalent %d, not applicable %d, broken %d\n",
		"TOTAL", score(all.killed, all.survived), all.killed, all.survived, all.equivalent, all.na, all.broken)
	section := func(title, status string) {
		var lines []string
		for _, r := range rs {
			if r.status == status {
				lines = append(lines, fmt.Sprintf("  %s (%s, %s): %s", r.m.ID, r.m.Pkg, orNone(r.file), r.detail))
			}
		}
		if len(lines) > 0 {
			fmt.Println()
			fmt.Println(title)
			fmt.Println(strings.Join(lines, "\n"))
		}
	}
	section("Survivors (a regression that would land green):", "survived")
	section("Equivalent or untestable (expected to survive, with the reason):", "equivalent")
	section("Not applicable (update scripts/mutations.txt):", "not applicable")
	section("Broken mutants (do not compile; update scripts/mutations.txt):", "broken")
	if all.survived > 0 || all.na > 0 || all.broken > 0 {
		os.Exit(1)
	}
}

func score(killed, survived int) string {
	if killed+survived == 0 {
		return "   - "
	}
	return fmt.Sprintf("%5.1f%%", 100*float64(killed)/float64(killed+survived))
}

// trimBlank drops the blank lines that end a snippet (the space before the
// next entry).
func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
