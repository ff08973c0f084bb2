"""webarchive"""
