/**
 * Small shared pieces only: the workspace folder, the job runner (background work with progress, cancel and a record
 * in H2), the chart component over ECharts, the explanation panel every lab uses, and the API error format.
 */
package org.llmplayground.core;
