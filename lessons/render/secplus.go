package render

import (
	"fmt"
	"sort"
	"strings"
)

// Objective is one objective of the CompTIA Security+ SY0-701 exam.
type Objective struct {
	// Number is the objective's number, such as "3.3".
	Number string
	// Title is the objective's published title.
	Title string
}

// Domain is the title of the SY0-701 domain the objective belongs to.
func (o Objective) Domain() string {
	d, _, _ := strings.Cut(o.Number, ".")
	return domains[d]
}

// domains are the five SY0-701 domains.
var domains = map[string]string{
	"1": "General Security Concepts",
	"2": "Threats, Vulnerabilities, and Mitigations",
	"3": "Security Architecture",
	"4": "Security Operations",
	"5": "Security Program Management and Oversight",
}

// objectives are the SY0-701 exam objectives, with the titles CompTIA
// publishes for them, by number.
var objectives = map[string]string{
	"1.1": "Compare and contrast various types of security controls.",
	"1.2": "Summarize fundamental security concepts.",
	"1.3": "Explain the importance of change management processes and the impact to security.",
	"1.4": "Explain the importance of using appropriate cryptographic solutions.",

	"2.1": "Compare and contrast common threat actors and motivations.",
	"2.2": "Explain common threat vectors and attack surfaces.",
	"2.3": "Explain various types of vulnerabilities.",
	"2.4": "Given a scenario, analyze indicators of malicious activity.",
	"2.5": "Explain the purpose of mitigation techniques used to secure the enterprise.",

	"3.1": "Compare and contrast security implications of different architecture models.",
	"3.2": "Given a scenario, apply security principles to secure enterprise infrastructure.",
	"3.3": "Compare and contrast concepts and strategies to protect data.",
	"3.4": "Explain the importance of resilience and recovery in security architecture.",

	"4.1": "Given a scenario, apply common security techniques to computing resources.",
	"4.2": "Explain the security implications of proper hardware, software, and data asset management.",
	"4.3": "Explain various activities associated with vulnerability management.",
	"4.4": "Explain security alerting and monitoring concepts and tools.",
	"4.5": "Given a scenario, modify enterprise capabilities to enhance security.",
	"4.6": "Given a scenario, implement and maintain identity and access management.",
	"4.7": "Explain the importance of automation and orchestration related to secure operations.",
	"4.8": "Explain appropriate incident response activities.",
	"4.9": "Given a scenario, use data sources to support an investigation.",

	"5.1": "Summarize elements of effective security governance.",
	"5.2": "Explain elements of the risk management process.",
	"5.3": "Explain the processes associated with third-party risk assessment and management.",
	"5.4": "Summarize elements of effective security compliance.",
	"5.5": "Explain types and purposes of audits and assessments.",
	"5.6": "Given a scenario, implement security awareness practices.",
}

// LookupObjective returns the SY0-701 objective with the given number.
func LookupObjective(number string) (Objective, bool) {
	title, ok := objectives[number]
	return Objective{Number: number, Title: title}, ok
}

// Objectives returns every SY0-701 objective in exam order.
func Objectives() []Objective {
	list := make([]Objective, 0, len(objectives))
	for n, t := range objectives {
		list = append(list, Objective{Number: n, Title: t})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Number < list[j].Number })
	return list
}

// objectiveRanges describes the valid numbers for error messages:
// "1.1-1.4, 2.1-2.5, ...".
func objectiveRanges() string {
	last := map[string]string{}
	var order []string
	for _, o := range Objectives() {
		d, _, _ := strings.Cut(o.Number, ".")
		if _, seen := last[d]; !seen {
			order = append(order, d)
		}
		last[d] = o.Number
	}
	parts := make([]string, len(order))
	for i, d := range order {
		parts[i] = fmt.Sprintf("%s.1-%s", d, last[d])
	}
	return strings.Join(parts, ", ")
}
