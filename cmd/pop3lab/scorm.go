package main

import (
	"archive/zip"
	"bytes"
	"context"
	"embed"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// The SCORM 1.2 schema files (ADL's SCORM 1.2 package, IMS Content
// Packaging 1.1.2 and IMS Metadata 1.2.1), which the package carries at its
// root beside imsmanifest.xml, as SCORM 1.2 conformance asks.
//
//go:embed scorm12/*.xsd
var scormSchemas embed.FS

// scormTitle names the course in the LMS.
const scormTitle = "pop3lab: POP3 retrieval and mail security"

// buildSCORM builds the site and packages it as a SCORM 1.2 content
// package in the zip file zipPath. The package is one SCO, the whole app:
// its sandbox, progress and flashcards are shared by every lesson, so one
// launch reports one completion, one score and one time for the course,
// and the learner does not reload the simulator for each lesson. Without
// an LMS around it, the page inside works as the plain site.
func buildSCORM(ctx context.Context, zipPath string, course courseChoice, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "pop3lab-scorm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	site := filepath.Join(tmp, "site")
	if err := buildSite(ctx, site, course, lms, stdout, stderr); err != nil {
		return err
	}
	n, err := writeSCORM(site, zipPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "SCORM 1.2 package: %s (%d files, one SCO: index.html)\n", zipPath, n)
	return nil
}

// writeSCORM zips the site in dir as a SCORM 1.2 package at zipPath: the
// site's files, imsmanifest.xml listing them, and the schema files. It
// returns the number of files in the zip. The zip is written next to
// zipPath and renamed into place, so a failure leaves no half package.
func writeSCORM(dir, zipPath string) (int, error) {
	files, err := filesIn(dir)
	if err != nil {
		return 0, err
	}
	schemas, err := fs.Glob(scormSchemas, "scorm12/*.xsd")
	if err != nil {
		return 0, err
	}
	for _, s := range schemas {
		name := path.Base(s)
		for _, f := range files {
			if f == name || f == "imsmanifest.xml" {
				return 0, fmt.Errorf("the site already has a file %s, which a SCORM package keeps for itself", f)
			}
		}
	}
	if !contains(files, "index.html") {
		return 0, fmt.Errorf("%s has no index.html to launch", dir)
	}
	sort.Strings(files)
	manifest, err := scormManifest(scormTitle, files)
	if err != nil {
		return 0, err
	}

	tmp, err := os.CreateTemp(filepath.Dir(zipPath), ".pop3lab-scorm-*.zip")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	zw := zip.NewWriter(tmp)
	add := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	count := 0
	if err := add("imsmanifest.xml", manifest); err != nil {
		return 0, err
	}
	count++
	for _, s := range schemas {
		data, err := fs.ReadFile(scormSchemas, s)
		if err != nil {
			return 0, err
		}
		if err := add(path.Base(s), data); err != nil {
			return 0, err
		}
		count++
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return 0, err
		}
		if err := add(f, data); err != nil {
			return 0, err
		}
		count++
	}
	if err := zw.Close(); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	// CreateTemp makes the file private; a package is for sharing.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), zipPath); err != nil {
		return 0, err
	}
	return count, nil
}

// scormManifest writes the imsmanifest.xml of a one-SCO SCORM 1.2
// package whose SCO is index.html and whose resource lists files.
func scormManifest(title string, files []string) ([]byte, error) {
	type file struct {
		Href string `xml:"href,attr"`
	}
	type resource struct {
		Identifier string `xml:"identifier,attr"`
		Type       string `xml:"type,attr"`
		ScormType  string `xml:"adlcp:scormtype,attr"`
		Href       string `xml:"href,attr"`
		Files      []file `xml:"file"`
	}
	type item struct {
		Identifier    string `xml:"identifier,attr"`
		IdentifierRef string `xml:"identifierref,attr"`
		IsVisible     string `xml:"isvisible,attr"`
		Title         string `xml:"title"`
	}
	type organization struct {
		Identifier string `xml:"identifier,attr"`
		Title      string `xml:"title"`
		Item       item   `xml:"item"`
	}
	type manifest struct {
		XMLName        xml.Name `xml:"manifest"`
		Identifier     string   `xml:"identifier,attr"`
		Version        string   `xml:"version,attr"`
		XMLNS          string   `xml:"xmlns,attr"`
		ADLCP          string   `xml:"xmlns:adlcp,attr"`
		XSI            string   `xml:"xmlns:xsi,attr"`
		SchemaLocation string   `xml:"xsi:schemaLocation,attr"`
		Metadata       struct {
			Schema        string `xml:"schema"`
			SchemaVersion string `xml:"schemaversion"`
		} `xml:"metadata"`
		Organizations struct {
			Default      string       `xml:"default,attr"`
			Organization organization `xml:"organization"`
		} `xml:"organizations"`
		Resources struct {
			Resource resource `xml:"resource"`
		} `xml:"resources"`
	}
	m := manifest{
		Identifier: "pop3lab-course", Version: "1.0",
		XMLNS: "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
		ADLCP: "http://www.adlnet.org/xsd/adlcp_rootv1p2",
		XSI:   "http://www.w3.org/2001/XMLSchema-instance",
		SchemaLocation: "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd " +
			"http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd " +
			"http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd",
	}
	m.Metadata.Schema, m.Metadata.SchemaVersion = "ADL SCORM", "1.2"
	m.Organizations.Default = "pop3lab-org"
	m.Organizations.Organization = organization{
		Identifier: "pop3lab-org", Title: title,
		Item: item{Identifier: "pop3lab-item", IdentifierRef: "pop3lab-sco", IsVisible: "true", Title: title},
	}
	res := resource{Identifier: "pop3lab-sco", Type: "webcontent", ScormType: "sco", Href: "index.html"}
	for _, f := range files {
		if strings.ContainsAny(f, "\\") || strings.HasPrefix(f, "/") {
			return nil, fmt.Errorf("file %q: want a relative path with /", f)
		}
		res.Files = append(res.Files, file{Href: f})
	}
	m.Resources.Resource = res
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
