/** Where a plan node came from: the file, line and column a check's result points back at. */
export interface SourceRef {
  file: string;
  /**
   * @minimum 1
   * @asType integer
   */
  line: number;
  /**
   * @minimum 1
   * @asType integer
   */
  column: number;
}
