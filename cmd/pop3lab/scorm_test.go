package main

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestSCORMPackage: writeSCORM zips the site with imsmanifest.xml and
// the SCORM 1.2 schema files at its root, the manifest lists every file
// of the one SCO, and it validates against those schema files.
func TestSCORMPackage(t *testing.T) {
	site := t.TempDir()
	for name, body := range map[string]string{
		"index.html":                      "<!doctype html><title>pop3lab</title>",
		"app.wasm.gz":                     "\x1f\x8b",
		"lessons/01-where-pop3-fits.html": "<p>lesson</p>",
	} {
		os.MkdirAll(filepath.Join(site, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(site, name), []byte(body), 0o644)
	}
	zipPath := filepath.Join(t.TempDir(), "course.zip")
	n, err := writeSCORM(site, zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	out := t.TempDir()
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		os.MkdirAll(filepath.Join(out, filepath.Dir(f.Name)), 0o755)
		os.WriteFile(filepath.Join(out, f.Name), b, 0o644)
	}
	want := []string{"imsmanifest.xml", "adlcp_rootv1p2.xsd", "ims_xml.xsd", "imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd",
		"app.wasm.gz", "index.html", "lessons/01-where-pop3-fits.html"}
	if !slices.Equal(names, want) || n != len(want) {
		t.Fatalf("zip holds %d: %q, want %q", n, names, want)
	}
	manifest, _ := os.ReadFile(filepath.Join(out, "imsmanifest.xml"))
	for _, s := range []string{
		`<schema>ADL SCORM</schema>`, `<schemaversion>1.2</schemaversion>`,
		`<organizations default="pop3lab-org">`,
		`<item identifier="pop3lab-item" identifierref="pop3lab-sco" isvisible="true">`,
		`<resource identifier="pop3lab-sco" type="webcontent" adlcp:scormtype="sco" href="index.html">`,
		`<file href="lessons/01-where-pop3-fits.html"></file>`,
	} {
		if !strings.Contains(string(manifest), s) {
			t.Errorf("manifest lacks %s:\n%s", s, manifest)
		}
	}
	validateSCORMManifest(t, out)

	// A site that would clash with the package's own files is refused,
	// and nothing is left at the zip's path.
	os.WriteFile(filepath.Join(site, "imsmanifest.xml"), []byte("<x/>"), 0o644)
	bad := filepath.Join(t.TempDir(), "bad.zip")
	if _, err := writeSCORM(site, bad); err == nil || !strings.Contains(err.Error(), "imsmanifest.xml") {
		t.Errorf("clashing site: %v", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("a refused package left %s", bad)
	}
}

// TestBuildSCORMNeedsAZip: with --scorm, -o must name a .zip.
func TestBuildSCORMNeedsAZip(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(t.Context(), []string{"build", "--scorm", "-o", "dist"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "a file ending in .zip") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}

// validateSCORMManifest checks dir/imsmanifest.xml against the SCORM 1.2
// schema files in dir with xmllint (libxml2-utils; scripts/install-deps.sh
// installs it). One schema imports the three namespaces a manifest uses.
func validateSCORMManifest(t *testing.T, dir string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is not installed (Debian: libxml2-utils; scripts/install-deps.sh installs it)")
	}
	all := `<?xml version="1.0"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2" schemaLocation="imscp_rootv1p1p2.xsd"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2" schemaLocation="adlcp_rootv1p2.xsd"/>
  <xsd:import namespace="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1" schemaLocation="imsmd_rootv1p2p1.xsd"/>
</xsd:schema>
`
	if err := os.WriteFile(filepath.Join(dir, "all-scorm12.xsd"), []byte(all), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", "all-scorm12.xsd", "imsmanifest.xml")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("imsmanifest.xml does not validate against the SCORM 1.2 schemas: %v\n%s", err, b)
	} else if !strings.Contains(string(b), "imsmanifest.xml validates") {
		t.Fatalf("xmllint: %s", b)
	}
}
