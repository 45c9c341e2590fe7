package main

import (
	"fmt"
	"io"

	"github.com/containerd/platforms"
	"github.com/spf13/cobra"

	fmtpkg "github.com/manifold-dev/manifold/internal/format"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
)

func init() { subcommands = append(subcommands, newResolveCmd) }

// resolveJSON is the JSON of `manifold resolve -o json`.
type resolveJSON struct {
	Reference string `json:"reference"` // repository@digest
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	// The chosen entry's platform, as the registry's object and as
	// os/arch[/variant][:os.version]; null and "" when nothing matches.
	OCIPlatform *model.Platform `json:"platform"`
	Platform    string          `json:"platformString"`
	// OSFeatures are the chosen entry's os.features.
	OSFeatures []string `json:"os.features,omitempty"`
	// The host platform asked for, the same two ways.
	OCIHost *model.Platform `json:"host"`
	Host    string          `json:"hostString"`
	// HostOSFeatures are the os.features the host declares (linux(+f)/amd64):
	// an entry that needs others is not picked.
	HostOSFeatures []string `json:"hostOSFeatures"`
	Rule           string   `json:"rule,omitempty"`
	// Why is one sentence: the rule that matched and the runner-up, or
	// the nearest entry and why it cannot run.
	Why string `json:"why"`
	// Candidates are every platform entry, ranked as the host's runtime
	// ranks them: the ones it runs best first, then the rest nearest first.
	Candidates []candidateJSON `json:"candidates"`
}

// candidateJSON is one ranked entry of resolve -o json.
type candidateJSON struct {
	Digest      string          `json:"digest"`
	OCIPlatform *model.Platform `json:"platform"`
	Platform    string          `json:"platformString"`
	OSFeatures  []string        `json:"os.features,omitempty"`
	Match       bool            `json:"match"`
	Rule        string          `json:"rule"`
	Reason      string          `json:"reason"`
}

func candidatesJSON(cs []model.Candidate) []candidateJSON {
	out := make([]candidateJSON, 0, len(cs))
	for _, c := range cs {
		pl := c.Platform
		out = append(out, candidateJSON{Digest: c.Digest, OCIPlatform: &pl, Platform: pl.String(), OSFeatures: pl.OSFeatures, Match: c.Match, Rule: c.Rule, Reason: c.Reason})
	}
	return out
}

func newResolveCmd(g *globals) *cobra.Command {
	var (
		platform string
		output   string
		explain  bool
		ff       *formatFlag
	)
	cmd := &cobra.Command{
		Use:   "resolve REF",
		Short: "Print the entry a host platform pulls from a reference",
		Long: `resolve answers which entry of a manifest list a host pulls, with the rules
of the host's own runtime, from github.com/containerd/platforms. A Linux
host: an arm/v8 host takes arm/v7, then v6, then v5; an amd64/v3 host takes
v3, v2, amd64, then 386. A Windows host (containerd's Windows comparer, and
docker's pull): among the compatible builds the highest os.version wins. An
ltsc2019 (10.0.17763) host needs its exact build; an ltsc2022 or later host
runs builds from 10.0.20348 up to its own. Attestations are never chosen.

The host is given in containerd syntax (linux/arm/v7,
windows(10.0.20348)/amd64) or docker/mquery syntax (windows/amd64:10.0.20348);
without --platform it is this machine's platform.

The default output is one line, repository@digest, ready for docker pull.
--explain adds the reason: the rule that matched, the runner-up, and every
entry ranked with why it runs or cannot. -o json prints reference, digest,
mediaType, platform (of the chosen entry), host, rule, why and candidates
[{digest, platform, match, rule, reason}]. When no entry fits, resolve exits
1 and says which entry is nearest and why it cannot run (-o json still
prints the explanation, then exits 1).`,
		Example: `  manifold resolve localhost:5000/app:v1 --platform linux/arm/v8 --explain
  manifold resolve localhost:5000/app:v1 --platform windows/amd64:10.0.26100 -o json
  docker pull "$(manifold resolve localhost:5000/app:v1 --platform linux/arm64)"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := parseFormat(output, formatText, formatJSON)
			if err != nil {
				return err
			}
			if err := ff.parse(output, "text"); err != nil {
				return err
			}
			if platform == "" {
				platform = platforms.DefaultString()
			}
			host, err := model.ParsePlatform(platform)
			if err != nil {
				return err
			}
			c, err := g.client()
			if err != nil {
				return err
			}
			t, err := fetchForPlatforms(cmd.Context(), c, args[0])
			if err != nil {
				return err
			}
			r, err := model.Resolve(t, host)
			if err != nil {
				return err
			}
			if format == formatJSON || ff.custom() {
				out := resolveJSON{
					Reference: r.Reference, Digest: r.Digest, MediaType: r.MediaType,
					OCIHost: &host, Host: host.String(), HostOSFeatures: append([]string{}, host.OSFeatures...), Rule: r.Rule, Why: r.Why, Candidates: candidatesJSON(r.Candidates),
				}
				if r.Digest != "" {
					pl := r.Platform
					out.OCIPlatform, out.Platform, out.OSFeatures = &pl, pl.String(), pl.OSFeatures
				}
				switch {
				case ff.spec.Kind == fmtpkg.TableTemplate:
					rows := make([]any, len(out.Candidates))
					for i, c := range out.Candidates {
						rows[i] = c
					}
					err = ff.spec.Rows(g.stdout, rows)
				case ff.custom():
					err = ff.spec.Object(g.stdout, out)
				default:
					err = writeJSON(g.stdout, out)
				}
				if err != nil {
					return err
				}
			}
			if r.Digest == "" {
				return fmt.Errorf("%w\n%s", model.NoMatchError(t, host), termsafe.String(r.Why))
			}
			if format == formatJSON || ff.custom() {
				return nil
			}
			if _, err := fmt.Fprintln(g.stdout, termsafe.String(r.Reference)); err != nil {
				return err
			}
			if explain {
				return writeExplanation(g.stdout, r)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&platform, "platform", "p", "", "host platform, e.g. linux/arm/v7 or windows/amd64:10.0.20348 (default: this machine's)")
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	ff = addFormatFlag(cmd, func() string {
		return "the object: " + fmtpkg.Fields(resolveJSON{}) +
			"\n  a row of 'table TEMPLATE' (one a candidate): " + fmtpkg.Fields(candidateJSON{})
	})
	cmd.Flags().BoolVar(&explain, "explain", false, "say why: the rule that matched, the runner-up and every entry ranked")
	return cmd
}

// writeExplanation prints why and the ranked candidates under the reference.
func writeExplanation(w io.Writer, r *model.Resolution) error {
	if _, err := fmt.Fprintln(w, termsafe.String(r.Why)); err != nil {
		return err
	}
	for i, c := range r.Candidates {
		mark := "✗"
		if c.Match {
			mark = "✓"
		}
		if _, err := fmt.Fprintf(w, "%3d %s %-32s %s  %s\n", i+1, mark, termsafe.String(c.Platform.String()), shortDigest(c.Digest), termsafe.String(c.Reason)); err != nil {
			return err
		}
	}
	return nil
}
