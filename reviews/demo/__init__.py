"""Data that is not the product: the demo cases' progress and reviews (loaded by setup_demo) and the national
dataset the benchmarks run on (generate_national_data). Product code never imports it."""
