package main

import (
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/model"
)

// insecureFlags are docker's --insecure and podman's --tls-verify=false on
// the edit commands: they apply to the registries named in that command,
// never to others, and are never on by default.
type insecureFlags struct {
	insecure  bool
	tlsVerify bool
}

func addInsecureFlags(cmd *cobra.Command, f *insecureFlags) {
	cmd.Flags().BoolVar(&f.insecure, "insecure", false, "for the registries named in this command: TLS without verifying the certificate, or plain HTTP if that is what they speak (docker's --insecure)")
	cmd.Flags().BoolVar(&f.tlsVerify, "tls-verify", true, "--tls-verify=false: TLS without verifying the certificate for the registries named in this command (podman's flag); never plain HTTP")
}

// allowInsecure marks the registries of refs (references, or repositories)
// as the flags say, before the client is built.
func (g *globals) allowInsecure(f insecureFlags, refs ...string) {
	if !f.insecure && f.tlsVerify {
		return
	}
	for _, r := range refs {
		host := ""
		if ref, err := name.ParseReference(r); err == nil {
			host = ref.Context().RegistryStr()
		} else if repo, err := name.NewRepository(r); err == nil {
			host = repo.RegistryStr()
		}
		if host == "" {
			continue
		}
		if f.insecure {
			g.insecureAuto = append(g.insecureAuto, host)
		} else {
			g.skipVerify = append(g.skipVerify, host)
		}
	}
}

// pushRefs are the registries a push talks to: the target and where every
// entry is read from, for a staged list or a spec file.
func pushRefs(arg, spec string) []string {
	if spec != "" {
		raw, err := os.ReadFile(spec)
		if err != nil {
			return nil
		}
		s, err := model.ParseSpec(raw)
		if err != nil {
			return nil
		}
		refs := []string{s.Image}
		for _, m := range s.Manifests {
			refs = append(refs, m.Image)
		}
		return refs
	}
	refs := []string{arg}
	if st, err := openStageStore(); err == nil {
		if l, _, err := loadStagedRev(st, nil, arg); err == nil {
			refs = append(refs, l.Target)
			for _, e := range l.Entries {
				refs = append(refs, e.Repository)
			}
		}
	}
	return refs
}
