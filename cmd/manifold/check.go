package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/verbs"
)

func init() { subcommands = append(subcommands, newCheckCmd) }

// Exit statuses of check: every check held, a problem was found, or the
// check could not run.
const (
	checkOK       = 0
	checkProblems = 1
	checkCannot   = 2
)

// checkJSON is the JSON of `manifold check -o json`.
type checkJSON struct {
	Reference string          `json:"reference"`
	Digest    string          `json:"digest"`
	OK        bool            `json:"ok"`
	Problems  []model.Problem `json:"problems"`
}

func newCheckCmd(g *globals) *cobra.Command {
	var (
		expect   []string
		exact    bool
		attest   bool
		maxSizes []string
		output   string
		ff       *formatFlag
	)
	cmd := &cobra.Command{
		Use:   "check REF",
		Short: "Gate a release: are the expected platforms there, complete and sound?",
		Long: `check reads a reference with every child manifest and config and reports
what would break a pull or a release. Each problem has a stable code:

  missing-platform     an --expect platform has no entry (the CI race that
                       collapses a multi-arch tag to one architecture)
  unexpected-platform  with --exact, an entry for a platform not expected
  missing-child        a child manifest the index names is gone (404)
  unreadable-child     a child manifest could not be read
  platform-mismatch    an entry's platform differs from its image config's
  duplicate-platform   two entries for one platform (hosts only pull the first)
  missing-attestation  with --require-attestations, an image without an
                       attestation manifest in the index
  invalid-variant      a variant that does not fit its architecture
  dropped-annotations  a Docker list carrying annotations its format drops
  size-limit           a platform's compressed pull size over --max-size

An expected platform is matched strictly (containerd's OnlyStrict: an
arm/v6 entry does not satisfy arm/v7); an expected Windows platform with an
os.version needs that build.

Exit status: 0 when every check holds, 1 when a problem was found, 2 when
the check could not run (usage, network, auth, no such tag). -o json prints
{reference, digest, ok, problems: [{code, platform, message}]}; -o junit
prints JUnit XML, one test case per platform, for CI test reports.`,
		Example: `  manifold check localhost:5000/app:v1 --expect linux/amd64,linux/arm64
  manifold check localhost:5000/app:v1 --expect linux/amd64,linux/arm64,linux/arm/v7 --exact --require-attestations
  manifold check localhost:5000/app:v1 --max-size linux/amd64=200MB --max-size '*=1GiB' -o junit > check.xml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &exitError{code: checkCannot, msg: fmt.Sprintf("check takes one reference, got %d: manifold check REF --expect linux/amd64,linux/arm64", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cannot := func(err error) error { return &exitError{code: checkCannot, msg: err.Error()} }
			format, err := parseFormat(output, formatTable, formatJSON, formatJUnit)
			if err != nil {
				return cannot(err)
			}
			if err := ff.parse(output, "table"); err != nil {
				return cannot(err)
			}
			var o model.CheckOptions
			o.Exact, o.RequireAttestations = exact, attest
			for _, e := range expect {
				for _, s := range strings.Split(e, ",") {
					if strings.TrimSpace(s) == "" {
						continue
					}
					p, err := model.ParsePlatform(s)
					if err != nil {
						return cannot(fmt.Errorf("--expect: %w", err))
					}
					o.Expect = append(o.Expect, p)
				}
			}
			if exact && len(o.Expect) == 0 {
				return cannot(fmt.Errorf("--exact needs --expect: name the platforms the tag must hold"))
			}
			for _, s := range maxSizes {
				l, err := model.ParseSizeLimit(s)
				if err != nil {
					return cannot(err)
				}
				o.MaxSize = append(o.MaxSize, l)
			}
			c, err := g.client()
			if err != nil {
				return cannot(err)
			}
			res, err := verbs.Check(cmd.Context(), c, args[0], o)
			if err != nil {
				return cannot(fmt.Errorf("check %s: %w", args[0], err))
			}
			cj := checkJSON{Reference: res.Reference, Digest: res.Digest, OK: res.OK(), Problems: append([]model.Problem{}, res.Problems...)}
			switch {
			case format == formatJSON:
				err = writeJSON(g.stdout, cj)
			case ff.custom():
				err = ff.write(g.stdout, cj, asRows(cj.Problems))
			case format == formatJUnit:
				err = writeJUnit(g.stdout, res, o)
			default:
				err = writeCheckTable(g.stdout, res)
			}
			if err != nil {
				return cannot(err)
			}
			if !res.OK() {
				return &exitError{code: checkProblems}
			}
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: checkCannot, msg: err.Error() + " (see manifold check --help)"}
	})
	f := cmd.Flags()
	f.StringSliceVar(&expect, "expect", nil, "platforms that must have an entry, comma-separated or repeated: linux/amd64,linux/arm64")
	f.BoolVar(&exact, "exact", false, "also fail entries for platforms not in --expect")
	f.BoolVar(&attest, "require-attestations", false, "fail images without an attestation manifest (provenance/SBOM) in the index")
	f.StringArrayVar(&maxSizes, "max-size", nil, "PLATFORM=SIZE: limit a platform's compressed pull size (repeatable; * for every platform)")
	f.StringVarP(&output, "output", "o", "table", "output format: table, json or junit")
	ff = addFormatFlag(cmd, func() string {
		return "the object: " + fmtpkg.Fields(checkJSON{}) +
			"\n  a row of 'table TEMPLATE' (one a problem): " + fmtpkg.Fields(model.Problem{})
	})
	return cmd
}

// formatJUnit is -o junit.
const formatJUnit outputFormat = "junit"

// writeCheckTable prints the problems, one a line, and a verdict.
func writeCheckTable(w io.Writer, res *verbs.CheckResult) error {
	st := defaultTableStyles()
	cw := colourWriter(w)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", st.header.Render("check"), termsafe.String(res.Reference)+" "+st.digest.Render(shortDigest(res.Digest)))
	if res.OK() {
		fmt.Fprintf(&b, "%s every check holds (%d platforms: %s)\n", st.label.Render("ok"), len(res.Platforms), termsafe.String(strings.Join(res.Platforms, ", ")))
		_, err := io.WriteString(cw, b.String())
		return err
	}
	codeW, platW := 0, 0
	for _, p := range res.Problems {
		codeW, platW = max(codeW, len(p.Code)), max(platW, len(termsafe.String(p.Platform)))
	}
	for _, p := range res.Problems {
		plat := termsafe.String(p.Platform)
		if plat == "" {
			plat = "-"
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", st.bad.Render("✗"), st.bad.Render(fmt.Sprintf("%-*s", codeW, p.Code)),
			st.platform.Render(fmt.Sprintf("%-*s", platW, plat)), termsafe.String(p.Message))
	}
	fmt.Fprintln(&b, plural(len(res.Problems), "problem", "problems"))
	_, err := io.WriteString(cw, b.String())
	return err
}

// JUnit XML, as Jenkins, GitLab and GitHub's test reporters read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Failures  []junitFailure `xml:"failure"`
}

type junitFailure struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// junitReport is one test case per platform (expected or present) and one
// for the index as a whole; each problem is a failure of its platform's case.
func junitReport(res *verbs.CheckResult, o model.CheckOptions) junitSuites {
	var names []string
	seen := map[string]bool{}
	addName := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	addName("index")
	for _, p := range o.Expect {
		addName(p.String())
	}
	for _, p := range res.Platforms {
		addName(p)
	}
	byName := map[string][]junitFailure{}
	for _, p := range res.Problems {
		n := p.Platform
		if n == "" {
			n = "index"
		}
		addName(n)
		byName[n] = append(byName[n], junitFailure{Type: p.Code, Message: p.Message, Text: p.Code + ": " + p.Message})
	}
	class := "manifold.check." + res.Reference
	s := junitSuite{Name: "manifold check " + res.Reference + "@" + res.Digest}
	for _, n := range names {
		c := junitCase{Name: n, Classname: class, Failures: byName[n]}
		s.Cases = append(s.Cases, c)
		s.Tests++
		if len(c.Failures) > 0 {
			s.Failures++
		}
	}
	return junitSuites{Name: "manifold check", Tests: s.Tests, Failures: s.Failures, Suites: []junitSuite{s}}
}

func writeJUnit(w io.Writer, res *verbs.CheckResult, o model.CheckOptions) error {
	b, err := xml.MarshalIndent(junitReport(res, o), "", "  ")
	if err != nil {
		return fmt.Errorf("encode JUnit XML: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}
