package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
)

func init() { subcommands = append(subcommands, newAnnotateCmd) }

func newAnnotateCmd(g *globals) *cobra.Command {
	var (
		edit        model.PlatformEdit
		osFeatures  string
		features    string
		annotations []string
		indexAnn    []string
		remove      bool
		keepUnknown bool
		unsafe      insecureFlags
	)
	cmd := &cobra.Command{
		Use:   "annotate LIST [IMAGE]",
		Short: "Set an entry's platform or annotations (like docker manifest annotate)",
		Long: `annotate changes one entry of a staged list: its platform (os, architecture,
variant, os.version, os.features) and its descriptor annotations. IMAGE names
the entry as it was added, by digest (or a unique digest prefix), or by its
current platform. Fields not given are kept. --annotation key= removes a key.

Spellings are normalised as containerd reads them (aarch64 → arm64,
x86_64 → amd64, Linux → linux, armhf → arm/v7, --variant 7 → v7) and the
change is reported. An os or architecture that is close to a known one but
is none (amd46) is refused with the nearest known value; --force keeps it.
--variant '' and --os-version '' clear the field, as --os-features '' does.

--remove drops the entry from the list, with the attestations that describe
it (to fix a duplicate platform, say).

--index-annotation sets annotations of the list itself; IMAGE may then be
left out. Any annotation makes the list an OCI index unless --media-type
docker was chosen (validation warns that a Docker list drops them).

Validation runs after every change: a variant that does not fit the
architecture or a duplicate platform blocks the push, and annotate then exits
1 (the change is saved, so it can be fixed by the next annotate); a platform
that differs from the image config is a warning.`,
		Example: `  manifold annotate localhost:5000/app:v1 localhost:5000/app:arm --os linux --arch arm --variant v7
  manifold annotate localhost:5000/app:v1 linux/arm64 --variant v8
  manifold annotate localhost:5000/app:v1 localhost:5000/app:win --os-version 10.0.20348.2113
  manifold annotate localhost:5000/app:v1 sha256:3f5a1c --annotation org.opencontainers.image.title=app
  manifold annotate localhost:5000/app:v1 --index-annotation org.opencontainers.image.source=https://git.example/app
  manifold annotate localhost:5000/app:v1 localhost:5000/other:amd64 --remove`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			g.allowInsecure(unsafe, args...)
			if cmd.Flags().Changed("os-features") {
				edit.OSFeatures = splitList(osFeatures)
			}
			if cmd.Flags().Changed("features") {
				edit.Features = splitList(features)
			}
			edit.ClearVariant = cmd.Flags().Changed("variant") && edit.Variant == ""
			edit.ClearOSVersion = cmd.Flags().Changed("os-version") && edit.OSVersion == ""
			ann, err := model.ParseAnnotations(annotations)
			if err != nil {
				return err
			}
			iann, err := model.ParseAnnotations(indexAnn)
			if err != nil {
				return err
			}
			entryEdit := !edit.IsZero() || len(ann) > 0
			if remove && (entryEdit || len(iann) > 0) {
				return fmt.Errorf("--remove drops the entry: give it alone")
			}
			if remove && len(args) < 2 {
				return fmt.Errorf("name the entry to remove: manifold annotate LIST IMAGE --remove")
			}
			if remove {
				return removeEntry(g, args[0], args[1])
			}
			if len(args) < 2 && entryEdit {
				return fmt.Errorf("name the entry to annotate: manifold annotate LIST IMAGE --arch …")
			}
			if !entryEdit && len(iann) == 0 {
				return fmt.Errorf("nothing to change: give --os, --arch, --variant, --os-version, --os-features, --annotation or --index-annotation")
			}
			st, c, err := g.stageEnv()
			if err != nil {
				return err
			}
			key, err := stagedKey(st, c, args[0])
			if err != nil {
				return err
			}
			idx := -1
			l, err := st.Update(key, func(l *model.StagedList) error {
				if len(args) == 2 {
					i, err := l.Find(args[1])
					if err != nil {
						return err
					}
					idx = i
					e, notes, err := model.NormalizeEdit(edit, l.Entries[i].Platform)
					var unknown *model.UnknownValueError
					switch {
					case errors.As(err, &unknown) && keepUnknown:
						e = edit
					case unknown != nil:
						return fmt.Errorf("%w (--force keeps %q as given)", err, unknown.Value)
					case err != nil:
						return err
					}
					for _, n := range notes {
						fmt.Fprintf(g.stderr, "normalised %s\n", termsafe.String(n))
					}
					if err := l.Annotate(i, e, ann); err != nil {
						return err
					}
				}
				l.SetAnnotations(iann)
				return nil
			})
			if err != nil {
				return err
			}
			if idx >= 0 {
				e := l.Entries[idx]
				fmt.Fprintf(g.stdout, "entry %d (%s): %s\n", idx+1, shortDigest(e.Digest), termsafe.String(e.PlatformString()))
			} else {
				fmt.Fprintf(g.stdout, "%s: index annotations updated\n", termsafe.String(l.Name))
			}
			return reportFindings(g, l)
		},
	}
	f := cmd.Flags()
	f.StringVar(&edit.OS, "os", "", "operating system, e.g. linux or windows")
	f.StringVar(&edit.Architecture, "arch", "", "architecture, e.g. amd64, arm64, arm")
	f.StringVar(&edit.Variant, "variant", "", "architecture variant, e.g. v7 (arm), v8 (arm64), v3 (amd64)")
	f.StringVar(&edit.OSVersion, "os-version", "", "os.version, e.g. 10.0.20348.2113 for Windows Server 2022")
	f.StringVar(&osFeatures, "os-features", "", "comma-separated os.features, e.g. win32k (empty clears)")
	f.StringVar(&features, "features", "", "comma-separated platform features (empty clears)")
	f.StringArrayVar(&annotations, "annotation", nil, "descriptor annotation key=value (repeatable; key= removes)")
	f.StringArrayVar(&indexAnn, "index-annotation", nil, "index annotation key=value (repeatable; key= removes)")
	f.BoolVar(&remove, "remove", false, "drop the entry (and its attestations) from the list")
	addInsecureFlags(cmd, &unsafe)
	f.BoolVar(&keepUnknown, "force", false, "keep an os or architecture manifold does not know, as given")
	return cmd
}

// removeEntry drops the entry ref names from a staged list, with its
// attestations, and says what went.
func removeEntry(g *globals, list, ref string) error {
	st, c, err := g.stageEnv()
	if err != nil {
		return err
	}
	key, err := stagedKey(st, c, list)
	if err != nil {
		return err
	}
	var gone model.StagedEntry
	n := 0
	l, err := st.Update(key, func(l *model.StagedList) error {
		i, err := l.Find(ref)
		if err != nil {
			return err
		}
		gone = l.Entries[i]
		n = l.Remove(i)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "removed %s %s (%s)", termsafe.String(gone.PlatformString()), shortDigest(gone.Digest), termsafe.String(gone.Source))
	if n > 1 {
		fmt.Fprintf(g.stdout, " and %s", plural(n-1, "attestation", "attestations"))
	}
	fmt.Fprintf(g.stdout, ": %s left\n", plural(len(l.Entries), "entry", "entries"))
	return reportFindings(g, l)
}

// reportFindings prints what validation finds in a list just saved, and
// fails when something blocks its push, so that scripts stop there.
func reportFindings(g *globals, l *model.StagedList) error {
	fs := l.Validate()
	printFindings(g.stderr, fs)
	if model.Blocking(fs) {
		return &exitError{code: 1, msg: fmt.Sprintf("%s is saved but cannot be pushed until the errors above are fixed (manifold annotate %s IMAGE …; --remove drops an entry)",
			termsafe.String(l.Name), termsafe.String(l.Name))}
	}
	return nil
}

func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
