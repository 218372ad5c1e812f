/** Where a plan node came from: the file, line and column a check's result points back at. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
}
