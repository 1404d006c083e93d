"""The assessment (MODEL.md sections 4-7): classification, channels, frameworks, scenarios."""
